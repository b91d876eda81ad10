import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";

/**
 * An Automatic1111 stand-in on loopback: answers txt2img and img2img with one PNG of `colour`
 * and records what it was asked.
 */
export async function startA1111(colour = "#c03030") {
  const seen: { path: string; body: Record<string, unknown> }[] = [];
  const output = (
    await sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
      .png()
      .toBuffer()
  ).toString("base64");
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>;
    seen.push({ path: req.url ?? "", body });
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ images: [output], parameters: {}, info: "{}" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
