import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { type WebSocket, WebSocketServer } from "ws";

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A ComfyUI stand-in on loopback speaking its HTTP + WebSocket protocol: queues a workflow,
 * reports it done on the socket, serves one PNG as its output, and records what it was asked.
 * With `login` ("user:password") it answers only requests and sockets that send it as Basic auth,
 * as ComfyUI behind a password-protecting proxy does.
 */
export async function startComfyUI(o: { login?: string } = {}) {
  const seen: {
    prompts: Record<string, { class_type: string; inputs: Record<string, unknown> }>[];
    uploads: number;
    refused: number;
  } = { prompts: [], uploads: 0, refused: 0 };
  const output = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#3060c0" } })
    .png()
    .toBuffer();
  const allowed = (req: IncomingMessage) =>
    !o.login || req.headers.authorization === `Basic ${Buffer.from(o.login).toString("base64")}`;
  const sockets = new Map<string, WebSocket>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const body = await readBody(req);
    if (!allowed(req)) {
      seen.refused++;
      res.statusCode = 401;
      return res.end("login required");
    }
    if (req.method === "POST" && url.pathname === "/prompt") {
      const { prompt, client_id } = JSON.parse(body.toString()) as {
        prompt: (typeof seen.prompts)[number];
        client_id: string;
      };
      seen.prompts.push(prompt);
      const id = `p${seen.prompts.length}`;
      res.end(JSON.stringify({ prompt_id: id, number: 1 }));
      const ws = sockets.get(client_id);
      setTimeout(() => {
        ws?.send(JSON.stringify({ type: "executing", data: { node: "sampler", prompt_id: id } }));
        ws?.send(Buffer.from([1, 2, 3]), { binary: true }); // a preview frame
        ws?.send(JSON.stringify({ type: "executing", data: { node: null, prompt_id: id } }));
      }, 20);
      return;
    }
    if (url.pathname.startsWith("/history/")) {
      const id = url.pathname.split("/").pop() ?? "";
      res.end(
        JSON.stringify({
          [id]: { outputs: { save: { images: [{ filename: "out.png", subfolder: "", type: "output" }] } } },
        }),
      );
      return;
    }
    if (url.pathname === "/view" && url.searchParams.get("filename") === "out.png") {
      res.setHeader("content-type", "image/png");
      res.end(output);
      return;
    }
    if (req.method === "POST" && url.pathname === "/upload/image") {
      seen.uploads++;
      res.end(JSON.stringify({ name: "uploaded.png", subfolder: "", type: "input" }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  const wss = new WebSocketServer({
    server,
    path: "/ws",
    verifyClient: (info: { req: IncomingMessage }) => {
      if (allowed(info.req)) return true;
      seen.refused++;
      return false;
    },
  });
  wss.on("connection", (ws, req) => {
    const id = new URL(req.url ?? "", "http://x").searchParams.get("clientId") ?? "";
    sockets.set(id, ws);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    async close() {
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
