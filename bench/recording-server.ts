/**
 * A loopback OpenAI-compatible chat server for bench:calls that records what each request sends
 * (images and their base64 bytes, the prompt) and answers with a real model port behind it (the
 * generated OneVision model), so its prompt and completion token counts and its vision passes are
 * the model's own, not made up.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import type { ChatMessage, ModelImage, ModelPort } from "../src/core/model-port.js";

type Part = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };
interface Body {
  messages: { role: ChatMessage["role"]; content: string | Part[] }[];
  max_tokens?: number;
  temperature?: number;
  stream?: boolean;
  stop?: string[];
}

export interface Recorded {
  images: number;
  /** Base64 characters of every image in the request: what went over the wire for them. */
  imageBytes: number;
  completion: string;
}

async function read(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

async function toImage(url: string): Promise<ModelImage & { base64: number }> {
  const match = /^data:(image\/[a-z]+);base64,(.*)$/s.exec(url);
  if (!match?.[2]) throw new Error("only data URLs are accepted");
  const bytes = Buffer.from(match[2], "base64");
  const meta = await sharp(bytes).metadata();
  return {
    bytes,
    mime: match[1] as ModelImage["mime"],
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    base64: match[2].length,
  };
}

export async function startRecordingServer(model: ModelPort, name: string) {
  const recorded: Recorded[] = [];
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url?.endsWith("/models")) {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ data: [{ id: name }] }));
      return;
    }
    const body = JSON.parse(await read(req)) as Body;
    const images: (ModelImage & { base64: number })[] = [];
    const messages: ChatMessage[] = [];
    for (const m of body.messages) {
      if (typeof m.content === "string") {
        messages.push({ role: m.role, content: m.content });
        continue;
      }
      let count = 0;
      let text = "";
      for (const part of m.content) {
        if (part.type === "image_url") {
          images.push(await toImage(part.image_url.url));
          count++;
        } else text += part.text;
      }
      messages.push({ role: m.role, content: text, ...(count ? { imageCount: count } : {}) });
    }
    const out = await model.generate({
      messages,
      images,
      ...(body.max_tokens ? { maxNewTokens: body.max_tokens } : {}),
      ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
      ...(body.stop ? { stop: body.stop } : {}),
    });
    recorded.push({
      images: images.length,
      imageBytes: images.reduce((n, i) => n + i.base64, 0),
      completion: out.text,
    });
    const usage = { prompt_tokens: out.promptTokens, completion_tokens: out.completionTokens };
    const finish = out.finishReason === "length" ? "length" : "stop";
    if (body.stream) {
      res.setHeader("content-type", "text/event-stream");
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: out.text } }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: finish }], usage })}\n\n`);
      res.end("data: [DONE]\n\n");
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ choices: [{ message: { content: out.text }, finish_reason: finish }], usage }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    recorded,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
