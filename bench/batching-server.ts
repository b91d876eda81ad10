/**
 * A loopback OpenAI-compatible chat-completions server that behaves like vLLM or SGLang under
 * continuous batching, for bench:engine-openai: one decode step takes the same time whatever the
 * batch holds, every running sequence gets one token per step, new requests join at the next
 * step while fewer than maxBatch sequences run, and tokens stream as server-sent events. So its
 * throughput is maxBatch sequences per (tokens × step) — reached only if clients keep it full.
 *
 * Run as a script it listens on a free port, prints `{"url": ...}` on its first line, and serves
 * until stdin closes: a process of its own, so its step clock never waits on the benchmark.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface BatchingServerOptions {
  stepMs: number;
  maxBatch: number;
  /** Tokens per answer (less if the request's max_tokens is lower). */
  tokens: number;
}

interface Sequence {
  res: ServerResponse;
  stream: boolean;
  left: number;
  emitted: number;
  promptTokens: number;
  closed: boolean;
}

const WORDS = ["a", "red", "bicycle", "leans", "on", "the", "old", "brick", "wall", "near", "water"];

export async function startBatchingServer(options: BatchingServerOptions) {
  const waiting: Sequence[] = [];
  const running: Sequence[] = [];
  let timer: NodeJS.Timeout | undefined;
  let nextStepAt = 0;
  let steps = 0;
  let peakBatch = 0;
  let batchSum = 0;
  let served = 0;

  const chunk = (s: Sequence, body: unknown) => s.res.write(`data: ${JSON.stringify(body)}\n\n`);

  function finish(s: Sequence) {
    const text = Array.from({ length: s.emitted }, (_, i) => WORDS[i % WORDS.length]).join(" ");
    const usage = { prompt_tokens: s.promptTokens, completion_tokens: s.emitted };
    served++;
    if (s.stream) {
      chunk(s, { choices: [{ index: 0, delta: {}, finish_reason: "length" }] });
      chunk(s, { choices: [], usage });
      s.res.end("data: [DONE]\n\n");
    } else {
      s.res.writeHead(200, { "content-type": "application/json" });
      s.res.end(
        JSON.stringify({
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "length" }],
          usage,
        }),
      );
    }
  }

  /** One decode step: admit waiting sequences into free batch slots, one token for each. */
  function step() {
    timer = undefined;
    while (running.length < options.maxBatch && waiting.length) running.push(waiting.shift() as Sequence);
    for (let i = running.length - 1; i >= 0; i--) if (running[i]?.closed) running.splice(i, 1);
    if (running.length === 0) return; // idle: the next request starts the clock again
    steps++;
    batchSum += running.length;
    peakBatch = Math.max(peakBatch, running.length);
    for (let i = running.length - 1; i >= 0; i--) {
      const s = running[i] as Sequence;
      const word = WORDS[s.emitted % WORDS.length];
      if (s.stream)
        chunk(s, {
          choices: [{ index: 0, delta: { content: `${s.emitted ? " " : ""}${word}` }, finish_reason: null }],
        });
      s.emitted++;
      if (--s.left <= 0) {
        running.splice(i, 1);
        finish(s);
      }
    }
    schedule();
  }

  /** Steps keep a fixed cadence from the first one, as a GPU's do, however long writing took. */
  function schedule() {
    if (timer) return;
    const now = performance.now();
    nextStepAt = Math.max(nextStepAt + options.stepMs, now);
    timer = setTimeout(step, nextStepAt - now);
  }

  function startClock() {
    if (timer) return;
    nextStepAt = performance.now(); // a request arriving at an idle server waits one step (prefill)
    schedule();
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    return Buffer.concat(parts).toString("utf8");
  }

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (req.method === "GET" && req.url?.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [{ id: "bench-llava" }] }));
        return;
      }
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      const json = JSON.parse(body) as { stream?: boolean; max_tokens?: number };
      const s: Sequence = {
        res,
        stream: json.stream === true,
        left: Math.max(1, Math.min(options.tokens, json.max_tokens ?? options.tokens)),
        emitted: 0,
        promptTokens: Math.ceil(body.length / 4),
        closed: false,
      };
      res.on("close", () => {
        s.closed = true;
      });
      if (s.stream) res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      waiting.push(s);
      startClock();
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats: () => ({ steps, served, peakBatch, meanBatch: steps ? batchSum / steps : 0 }),
    resetStats() {
      steps = 0;
      batchSum = 0;
      peakBatch = 0;
      served = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Script mode: options from argv as JSON; answers "stats" and "reset" lines on stdin. */
if (process.argv[1]?.endsWith("batching-server.ts")) {
  const options = JSON.parse(process.argv[2] ?? "{}") as BatchingServerOptions;
  const server = await startBatchingServer(options);
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  let buffer = "";
  process.stdin.on("data", (d: Buffer) => {
    buffer += d.toString();
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line === "stats") process.stdout.write(`${JSON.stringify(server.stats())}\n`);
      if (line === "reset") {
        server.resetStats();
        process.stdout.write("{}\n");
      }
      nl = buffer.indexOf("\n");
    }
  });
  process.stdin.on("end", () => void server.close());
}
