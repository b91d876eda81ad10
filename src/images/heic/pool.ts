import { type ChildProcess, fork } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, getPriority, setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DecodeReply, DecodeRequest } from "./protocol.js";

type Reply = Exclude<DecodeReply, { kind: "ready" }>;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
/** What a decode comes to, without the message id; a decoded image with its JPEG bytes. */
export type HeicOutcome =
  | (Omit<Extract<Reply, { kind: "ok" }>, "id"> & { bytes: Buffer })
  | DistributiveOmit<Exclude<Reply, { kind: "ok" }>, "id">;

/** An idle decoder keeps its WebAssembly memory (it never shrinks), so it goes after a while. */
const IDLE_MS = 10_000;
/** libheif on a hostile file must not hold a request forever. */
const DECODE_TIMEOUT_MS = 60_000;
/** As many decoders as the intake gate lets decodes run: one core stays free for acks. */
const LIMIT = Math.max(1, availableParallelism() - 1);

interface Task {
  id: number;
  input: string;
  output: string;
  limits: { maxPixels: number; edge: number };
  resolve(outcome: DistributiveOmit<Reply, "id">): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  child: ChildProcess;
  task?: Task | undefined;
  idle?: NodeJS.Timeout;
  /** Whether libheif loaded: a decoder that cannot even start is our fault, not the photo's. */
  ready: boolean;
}

const slots: Slot[] = [];
const waiting: Task[] = [];
let nextId = 1;
let decodes = 0;

/** How many HEIC files were handed to a decoder since start (tests and benches read it). */
export function heicDecodeCount(): number {
  return decodes;
}

/**
 * Decodes a HEIC/HEIF file's primary image, transformations applied, in a decoder process, and
 * normalises it there (JPEG, long edge at most `edge`): the decoded pixels (48 MB for 12 MP) never
 * reach this process, whose garbage collector would otherwise hold up acknowledgements. The
 * decoder checks `maxPixels` against the header before decoding.
 */
export async function decodeHeic(
  bytes: Buffer,
  limits: { maxPixels: number; edge: number },
): Promise<HeicOutcome> {
  const id = nextId++;
  // A private folder per decode, removed with what is in it however the decode ends.
  const dir = await mkdtemp(join(tmpdir(), "llava-bot-heic-"));
  const input = join(dir, `${id}.heic`);
  const output = join(dir, `${id}.jpg`);
  try {
    // Files, read and written on libuv's threads: the main thread copies nothing of megabytes.
    await writeFile(input, bytes, { mode: 0o600 });
    const reply = await new Promise<DistributiveOmit<Reply, "id">>((resolve, reject) => {
      waiting.push({ id, input, output, limits, resolve, reject });
      pump();
    });
    return reply.kind === "ok" ? { ...reply, bytes: await readFile(output) } : reply;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
  hold(slot, true);
  slot.task = task;
  task.timer = setTimeout(() => retire(slot, new Error("decoding took too long")), DECODE_TIMEOUT_MS);
  decodes++;
  slot.child.send({
    id: task.id,
    input: task.input,
    output: task.output,
    ...task.limits,
  } satisfies DecodeRequest);
}

function hold(slot: Slot, busy: boolean): void {
  if (busy) {
    slot.child.ref();
    slot.child.channel?.ref();
  } else {
    slot.child.unref();
    slot.child.channel?.unref();
  }
}

/**
 * A process, not a thread: sharp's libvips threads started from a worker thread would run at the
 * priority of the threads that first started them, and a 12 MP decode keeps a core busy for a
 * second or more. A whole process at a lower priority gives way, libvips's threads included, to
 * the one that acknowledges platform events. From TypeScript source (bin/llava-bot.js through
 * tsx, or vitest) it loads worker.ts through tsx.
 */
function newChild(): ChildProcess {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = fileURLToPath(new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url));
  // libheif prints on its stdout; the CLI prints answers on ours, so the decoder's goes to stderr.
  return fork(entry, [], {
    execArgv: fromSource ? ["--import", "tsx"] : [],
    serialization: "advanced",
    stdio: ["ignore", 2, 2, "ipc"],
  });
}

/** Lower the decoder's priority where the system lets us; decoding goes on at the usual one if not. */
function lower(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    setPriority(child.pid, Math.min(19, getPriority() + 10));
  } catch {
    // Not allowed here.
  }
}

function spawn(): Slot {
  const child = newChild();
  lower(child);
  const slot: Slot = { child, ready: false };
  child.on("message", (reply: DecodeReply) => finish(slot, reply));
  child.on("error", (err) => retire(slot, err));
  child.on("exit", (code, signal) => retire(slot, new Error(`decoder exited (${signal ?? code})`)));
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
  hold(slot, false);
  slot.idle = setTimeout(() => slot.child.kill(), IDLE_MS);
  slot.idle.unref();
  pump();
}

/** A decoder that died, hung or was let go: its task (if any) is told why, and it is replaced on demand. */
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
    // decoder that never loaded libheif cannot run here at all.
    if (slot.ready) task.resolve({ kind: "corrupt", detail: err.message });
    else task.reject(new Error(`HEIC decoder unavailable: ${err.message}`, { cause: err }));
  }
  slot.child.kill();
  pump();
}
