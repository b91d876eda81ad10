import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { DecodeReply, DecodeRequest } from "./protocol.js";

/** What a decode comes to, without the message id. */
export type HeicOutcome = DistributiveOmit<Exclude<DecodeReply, { kind: "ready" }>, "id">;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** An idle thread keeps its WebAssembly memory (it never shrinks), so it goes after a while. */
const IDLE_MS = 10_000;
/** libheif on a hostile file must not hold a request forever. */
const DECODE_TIMEOUT_MS = 60_000;
/** As many decoding threads as the intake gate lets decodes run: one core stays free for acks. */
const LIMIT = Math.max(1, availableParallelism() - 1);

interface Task {
  id: number;
  bytes: Buffer;
  limits: { maxPixels: number; edge: number };
  resolve(outcome: HeicOutcome): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  task?: Task | undefined;
  idle?: NodeJS.Timeout;
  /** Whether libheif loaded: a thread that cannot even start is our fault, not the photo's. */
  ready: boolean;
}

const slots: Slot[] = [];
const waiting: Task[] = [];
let nextId = 1;
let decodes = 0;

/** How many HEIC files were handed to a decoding thread since start (tests and benches read it). */
export function heicDecodeCount(): number {
  return decodes;
}

/**
 * Decodes a HEIC/HEIF file's primary image, transformations applied, on a worker thread, and
 * normalises it there (JPEG, long edge at most `edge`): the decoded pixels (48 MB for 12 MP) never
 * reach the main thread, whose garbage collector would otherwise hold up acknowledgements. The
 * thread checks `maxPixels` against the header before decoding.
 */
export function decodeHeic(bytes: Buffer, limits: { maxPixels: number; edge: number }): Promise<HeicOutcome> {
  return new Promise((resolve, reject) => {
    waiting.push({ id: nextId++, bytes, limits, resolve, reject });
    pump();
  });
}

function pump(): void {
  while (waiting.length > 0) {
    let slot = slots.find((s) => !s.task);
    if (!slot) {
      if (slots.length >= LIMIT) return;
      slot = spawn();
    }
    const task = waiting.shift();
    if (task) start(slot, task);
  }
}

function start(slot: Slot, task: Task): void {
  clearTimeout(slot.idle);
  // Held while busy, so a one-shot CLI run waits for its photo; let go when idle.
  slot.worker.ref();
  slot.task = task;
  task.timer = setTimeout(() => retire(slot, new Error("decoding took too long")), DECODE_TIMEOUT_MS);
  decodes++;
  slot.worker.postMessage({ id: task.id, bytes: task.bytes, ...task.limits } satisfies DecodeRequest);
}

/**
 * Running from TypeScript source (bin/llava-bot.js through tsx, or vitest), the thread loads
 * worker.ts through tsx's require hook: module hooks registered on the main thread do not reach
 * worker threads on Node 20, and the require hook works on every supported Node.
 */
const BOOT_FROM_SOURCE = `const { workerData } = require("node:worker_threads");
require(workerData.tsx).register();
require(workerData.entry);`;

function newWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url));
  const tsx = createRequire(import.meta.url).resolve("tsx/cjs/api");
  const entry = fileURLToPath(new URL("./worker.ts", import.meta.url));
  return new Worker(BOOT_FROM_SOURCE, { eval: true, workerData: { tsx, entry } });
}

function spawn(): Slot {
  const worker = newWorker();
  const slot: Slot = { worker, ready: false };
  worker.on("message", (reply: DecodeReply) => finish(slot, reply));
  worker.on("error", (err) => retire(slot, err));
  worker.on("exit", (code) => retire(slot, new Error(`decoder thread exited (${code})`)));
  slots.push(slot);
  return slot;
}

function finish(slot: Slot, reply: DecodeReply): void {
  if (reply.kind === "ready") {
    slot.ready = true;
    return;
  }
  const task = slot.task;
  if (!task || reply.id !== task.id) return;
  clearTimeout(task.timer);
  slot.task = undefined;
  const { id: _, ...outcome } = reply;
  task.resolve(outcome);
  slot.worker.unref();
  slot.idle = setTimeout(() => void slot.worker.terminate(), IDLE_MS);
  slot.idle.unref();
  pump();
}

/** A thread that died, hung or was let go: its task (if any) is told why, and it is replaced on demand. */
function retire(slot: Slot, err: Error): void {
  const at = slots.indexOf(slot);
  if (at < 0) return;
  slots.splice(at, 1);
  clearTimeout(slot.idle);
  const task = slot.task;
  slot.task = undefined;
  if (task) {
    clearTimeout(task.timer);
    // libheif aborting on a file (a crash, not an error it reports) means the file is bad; a
    // thread that never loaded libheif means the decoder itself cannot run here.
    if (slot.ready) task.resolve({ kind: "corrupt", detail: err.message });
    else task.reject(new Error(`HEIC decoder unavailable: ${err.message}`, { cause: err }));
  }
  void slot.worker.terminate();
  pump();
}
