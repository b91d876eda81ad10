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
 * So after a page that large the pool is let go once no job has run for a few seconds (a burst of
 * OCR keeps it), and after a minute's quiet in any case; the next job starts it again (about a
 * second).
 */
const LARGE_PAGE_PIXELS = 4_000_000;
const GROWN_IDLE_MS = 5_000;
const IDLE_MS = 60_000;
let running = 0;
let grown = false;
let idle: NodeJS.Timeout | undefined;

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
      idle = setTimeout(() => void closeOcr(), grown ? GROWN_IDLE_MS : IDLE_MS);
      idle.unref();
    }
  }
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
  const s = scheduler;
  scheduler = undefined;
  grown = false;
  clearTimeout(idle);
  if (s) await (await s).terminate();
}
