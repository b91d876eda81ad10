import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** An OpenAI chat-completions request as the openai backend sends it. */
export interface ChatBody {
  messages: {
    role: string;
    content: string | ({ type: "text"; text: string } | { type: "image_url"; image_url: { url: string } })[];
  }[];
}

/**
 * A loopback OpenAI-compatible chat-completions server that streams a scripted answer word by
 * word at a set pace, as vLLM or llama.cpp would: for streaming and Stop tests through the real
 * openai backend. It records when each word went out and whether the client hung up early.
 */
export async function startPacedModelServer(options: {
  words: string[];
  everyMs: number;
  /** Words computed from the request body instead (a model that looks at what it is sent). */
  answer?: (body: ChatBody) => Promise<string[]>;
}) {
  const sentAt: number[][] = [];
  const bodies: ChatBody[] = [];
  const aborted: number[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => {
      body += d.toString();
    });
    req.on("end", async () => {
      if (!req.url?.endsWith("/chat/completions")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: [{ id: "paced" }] }));
        return;
      }
      const n = requests++;
      const parsed = JSON.parse(body) as ChatBody;
      bodies[n] = parsed;
      const words = options.answer ? await options.answer(parsed) : options.words;
      const times: number[] = [];
      sentAt[n] = times;
      res.writeHead(200, { "content-type": "text/event-stream" });
      let i = 0;
      let closed = false;
      res.on("close", () => {
        if (i < words.length) aborted.push(n);
        closed = true;
      });
      const tick = () => {
        if (closed) return;
        if (i >= words.length) {
          res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "stop" }] })}\n\n`);
          res.end("data: [DONE]\n\n");
          return;
        }
        const word = `${i === 0 ? "" : " "}${words[i]}`;
        i++;
        times.push(Date.now());
        res.write(
          `data: ${JSON.stringify({ choices: [{ delta: { content: word }, finish_reason: null }] })}\n\n`,
        );
        setTimeout(tick, options.everyMs);
      };
      tick();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    /** Per request, when each word was sent (ms since epoch). */
    sentAt,
    /** What each chat request sent, parsed. */
    bodies,
    /** Requests whose client hung up before the last word. */
    aborted,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
