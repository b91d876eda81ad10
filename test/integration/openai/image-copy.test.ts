import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createOpenAIModel } from "../../../src/engine/model/openai.js";
import { loadImage } from "../../../src/images/load.js";
import { colourPhoto, noisyPhoto, SWATCHES } from "../../helpers/images.js";

/** A loopback server that keeps every image URL it is sent and answers "ok". */
async function recordingServer(): Promise<{ server: Server; url: string; images: string[] }> {
  const images: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => {
      body += d.toString();
    });
    req.on("end", () => {
      const sent = JSON.parse(body) as {
        messages: { content: string | { image_url?: { url: string } }[] }[];
      };
      for (const m of sent.messages)
        if (Array.isArray(m.content))
          for (const p of m.content) if (p.image_url) images.push(p.image_url.url);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ choices: [{ message: { content: "ok" }, finish_reason: "stop" }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, images };
}

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

describe("the photo an OpenAI-compatible server gets", () => {
  it("is one copy at the model's size, made once and sent to every call, with its colour kept", async () => {
    const { server, url, images } = await recordingServer();
    servers.push(server);
    const photo = await loadImage(await colourPhoto("green", 1536, 1024), {
      maxBytes: 50e6,
      maxPixels: 50e6,
      maxEdge: 1536,
    });
    const model = createOpenAIModel({
      baseUrl: url,
      model: "m",
      timeoutMs: 5000,
      maxNewTokens: 8,
      temperature: 0,
    });
    const ask = (image = { ...photo, key: "blob-1" }) =>
      model.generate({ messages: [{ role: "user", content: "Colour?", imageCount: 1 }], images: [image] });
    await ask();
    await ask();
    expect(images).toHaveLength(2);
    expect(images[1]).toBe(images[0]);
    const bytes = Buffer.from((images[0] ?? "").split(",")[1] ?? "", "base64");
    const meta = await sharp(bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: "jpeg",
      width: 768,
      height: 512,
    });
    expect(bytes.length).toBeLessThan(photo.bytes.length / 3);
    const { channels } = await sharp(bytes).stats();
    const [r, g, b] = channels.map((c) => c.mean);
    expect(Math.abs((g ?? 0) - SWATCHES.green.g)).toBeLessThan(12);
    expect(g).toBeGreaterThan((r ?? 0) + 100);
    expect(g).toBeGreaterThan((b ?? 0) + 100);
  });

  it("a configured edge is used instead of the default", async () => {
    const { server, url, images } = await recordingServer();
    servers.push(server);
    const photo = await loadImage(await colourPhoto("red", 1200, 900), { maxBytes: 50e6, maxPixels: 50e6 });
    const model = createOpenAIModel({
      baseUrl: url,
      model: "m",
      timeoutMs: 5000,
      maxNewTokens: 8,
      temperature: 0,
      imageEdge: 336,
    });
    await model.generate({
      messages: [{ role: "user", content: "Colour?", imageCount: 1 }],
      images: [photo],
    });
    const meta = await sharp(Buffer.from((images[0] ?? "").split(",")[1] ?? "", "base64")).metadata();
    expect([meta.width, meta.height]).toEqual([336, 252]);
  });

  it("a noisy photo's copy stays under about 150 KB of base64, whatever its detail", async () => {
    const { server, url, images } = await recordingServer();
    servers.push(server);
    const noisy = await noisyPhoto({
      width: 800,
      height: 600,
      background: "#3060c0",
      mean: 110,
      sigma: 40,
      quality: 95,
    });
    const photo = await loadImage(noisy, { maxBytes: 50e6, maxPixels: 50e6 });
    const model = createOpenAIModel({
      baseUrl: url,
      model: "m",
      timeoutMs: 5000,
      maxNewTokens: 8,
      temperature: 0,
    });
    await model.generate({
      messages: [{ role: "user", content: "Colour?", imageCount: 1 }],
      images: [photo],
    });
    const base64 = (images[0] ?? "").split(",")[1] ?? "";
    expect(base64.length).toBeGreaterThan(10_000);
    expect(base64.length).toBeLessThanOrEqual(150_000);
  });
});
