import { createRequire } from "node:module";
import { createScheduler, createWorker, OEM, type Scheduler } from "tesseract.js";

/**
 * One tesseract.js scheduler per process, created on first use and reused by every job:
 * starting a worker loads the traineddata (~10 MB) and costs far more than a page of OCR.
 * The English data comes from the @tesseract.js-data/eng npm package, so nothing is downloaded.
 */
const require = createRequire(import.meta.url);
const eng = require("@tesseract.js-data/eng") as { langPath: string; gzip: boolean };

let scheduler: Promise<Scheduler> | undefined;

async function start(size: number): Promise<Scheduler> {
  const s = createScheduler();
  for (let i = 0; i < size; i++) {
    const worker = await createWorker("eng", OEM.LSTM_ONLY, {
      langPath: eng.langPath,
      gzip: eng.gzip,
      cacheMethod: "none",
    });
    s.addWorker(worker);
  }
  return s;
}

/**
 * tesseract's WebAssembly memory grows to fit the largest page a worker has read and never
 * shrinks: one 12 MP photo leaves a worker about 150 MB larger, for good (measured by bench:soak).
 * So a pool that has read a page that large is replaced by a fresh one once no job has run for a
 * few seconds (a burst of OCR keeps it). A pool that read only small pages stays up: starting one
 * costs about a second and the same ~75 MB each time, and letting it go and starting it again
 * under steady use made the process's memory swing with the traffic. Ten quiet minutes let it go.
 */
const LARGE_PAGE_PIXELS = 4_000_000;
const GROWN_IDLE_MS = 5_000;
const IDLE_MS = 600_000;
let running = 0;
let grown = false;
let idle: NodeJS.Timeout | undefined;
let closes = 0;

/** Runs one OCR job on the pool, `pixels` being the size of its page. */
export async function withOcr<T>(
  workers: number,
  pixels: number,
  job: (s: Scheduler) => Promise<T>,
): Promise<T> {
  // Counted before waiting for the pool, so a job that is about to use it is never let go under it.
  running++;
  clearTimeout(idle);
  try {
    return await job(await ocrScheduler(workers));
  } finally {
    running--;
    if (pixels > LARGE_PAGE_PIXELS) grown = true;
    if (running === 0) {
      idle = grown
        ? setTimeout(() => void renew(workers), GROWN_IDLE_MS)
        : setTimeout(() => void closeOcr(), IDLE_MS);
      idle.unref();
    }
  }
}

/** A fresh pool in place of one grown by a large page, so memory goes back to its usual level. */
async function renew(workers: number): Promise<void> {
  if (running > 0) return;
  const before = closes;
  await closeOcr();
  // Someone else closed it meanwhile (the engine stopping) or a job already started a new one.
  if (closes !== before + 1 || running > 0 || scheduler) return;
  ocrScheduler(workers).catch(() => undefined);
}

/** Whether the pool is up (its workers hold their memory). */
export function ocrPoolOpen(): boolean {
  return scheduler !== undefined;
}

/** The pool, started with `workers` (engine.ocrWorkers) by whichever call comes first. */
export function ocrScheduler(workers = 1): Promise<Scheduler> {
  scheduler ??= start(workers).catch((err: unknown) => {
    scheduler = undefined;
    throw err;
  });
  return scheduler;
}

export async function closeOcr(): Promise<void> {
  closes++;
  const s = scheduler;
  scheduler = undefined;
  grown = false;
  clearTimeout(idle);
  if (s) await (await s).terminate();
}
