import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelImage } from "../../../src/core/model-port.js";
import { createOpenAIModel } from "../../../src/engine/model/openai.js";
import { asModelImage, colourPhoto } from "../../helpers/images.js";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const servers: Server[] = [];

async function serve(
  handler: Handler,
): Promise<{ url: string; requests: { path: string; body: string; auth?: string }[] }> {
  const requests: { path: string; body: string; auth?: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => {
      body += d.toString();
    });
    req.on("end", () => {
      requests.push({
        path: req.url ?? "",
        body,
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      });
      handler(req, body, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const options = { model: "llava-hf/llava-1.5-7b-hf", timeoutMs: 2000, maxNewTokens: 64, temperature: 0 };
const question = [{ role: "user" as const, content: "What is in the pictures?", imageCount: 2 }];

async function twoImages(): Promise<ModelImage[]> {
  return [
    await asModelImage(await colourPhoto("red", 16, 16)),
    await asModelImage(await colourPhoto("blue", 16, 16)),
  ];
}

describe("openai-compatible backend", () => {
  it("sends images as data URLs before the text and reads a plain answer", async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          choices: [{ message: { content: " A red square and a blue one. " }, finish_reason: "stop" }],
          usage: { prompt_tokens: 600, completion_tokens: 9 },
        }),
      );
    });
    const model = createOpenAIModel({ ...options, baseUrl: server.url, apiKey: "sk-test-123456" });
    const images = await twoImages();
    const result = await model.generate({ messages: question, images });
    expect(result).toMatchObject({
      text: "A red square and a blue one.",
      promptTokens: 600,
      completionTokens: 9,
      finishReason: "stop",
    });
    const sent = JSON.parse(server.requests[0]?.body ?? "{}");
    expect(server.requests[0]?.path).toBe("/v1/chat/completions");
    expect(server.requests[0]?.auth).toBe("Bearer sk-test-123456");
    expect(sent.model).toBe(options.model);
    expect(sent.stream).toBe(false);
    const parts = sent.messages[0].content;
    expect(parts.map((p: { type: string }) => p.type)).toEqual(["image_url", "image_url", "text"]);
    expect(parts[0].image_url.url).toBe(`data:image/png;base64,${images[0]?.bytes.toString("base64")}`);
    expect(parts[1].image_url.url).toBe(`data:image/png;base64,${images[1]?.bytes.toString("base64")}`);
  });

  it("streams tokens over server-sent events", async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const pieces = ["A ", "red ", "square", "."];
      for (const p of pieces)
        res.write(
          `data: ${JSON.stringify({ choices: [{ delta: { content: p }, finish_reason: null }] })}\n\n`,
        );
      res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "length" }] })}\n\n`);
      res.write(
        `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 300, completion_tokens: 4 } })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
    });
    const model = createOpenAIModel({ ...options, baseUrl: server.url });
    const tokens: string[] = [];
    const result = await model.generate({
      messages: question,
      images: await twoImages(),
      onToken: (t) => tokens.push(t),
    });
    expect(tokens).toEqual(["A ", "red ", "square", "."]);
    expect(result).toMatchObject({ text: "A red square.", finishReason: "length", completionTokens: 4 });
    expect(JSON.parse(server.requests[0]?.body ?? "{}").stream).toBe(true);
  });

  it("turns a 400 into a clear rejection carrying the server's message", async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "This model does not support image input." } }));
    });
    const model = createOpenAIModel({ ...options, baseUrl: server.url });
    await expect(model.generate({ messages: question, images: await twoImages() })).rejects.toMatchObject({
      code: "model_server_rejected",
      status: 400,
      message: expect.stringContaining("This model does not support image input."),
    });
  });

  it("times out a server that never answers", async () => {
    const server = await serve(() => {
      /* never respond */
    });
    const model = createOpenAIModel({ ...options, baseUrl: server.url, timeoutMs: 300 });
    const started = Date.now();
    await expect(model.generate({ messages: question, images: [] })).rejects.toMatchObject({
      code: "timeout",
      message: expect.stringContaining("did not answer within 300 ms"),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("says the server is down when nothing listens", async () => {
    const model = createOpenAIModel({ ...options, baseUrl: "http://127.0.0.1:9/v1" });
    await expect(model.generate({ messages: question, images: [] })).rejects.toMatchObject({
      code: "model_server_down",
      message: expect.stringMatching(/Cannot reach the model server at http:\/\/127\.0\.0\.1:9\/v1/),
    });
  });

  it("can be cancelled mid-stream", async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: "slow" } }] })}\n\n`);
    });
    const model = createOpenAIModel({ ...options, baseUrl: server.url, timeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = model.generate({
      messages: question,
      images: [],
      signal: controller.signal,
      onToken: () => controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
  });
});
