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
  if (s) await (await s).terminate();
}
