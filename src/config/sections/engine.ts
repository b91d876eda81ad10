import { z } from "zod";

export const engineSection = z
  .object({
    /**
     * Jobs one engine runs at once. "auto" (the default): 16 with model.backend openai, whose
     * server batches concurrent requests; 1 with transformers, which runs one generation at a time.
     */
    concurrency: z
      .union([z.literal("auto"), z.number().int().min(1).max(64)], {
        error: 'expected a number from 1 to 64, or "auto"',
      })
      .default("auto"),
    /** A job running longer than this is aborted. */
    jobTimeoutMs: z.number().int().min(1000).default(300_000),
    /** On SIGTERM/SIGINT, how long the current job may run before it is handed back. */
    shutdownGraceMs: z.number().int().min(0).default(30_000),
    /** While the model loads, a request that needs it goes back to the queue for this long between looks. */
    modelWaitPollMs: z.number().int().min(100).max(60_000).default(2000),
    /** Partial answers are published at most this often (ms). */
    streamIntervalMs: z.number().int().min(50).max(5000).default(250),
    attempts: z.number().int().min(1).max(20).default(3),
    /** A job whose engine stops renewing its lock for this long is handed to another engine. */
    lockDurationMs: z.number().int().min(500).default(30_000),
    stalledIntervalMs: z.number().int().min(500).default(30_000),
    /** Tesseract workers one process keeps for OCR; each holds its own copy of the language data. */
    ocrWorkers: z.number().int().min(1).max(4).default(1),
    /** Planner: at most this many tool calls per request. */
    maxTurns: z.number().int().min(1).max(10).default(3),
    /** Show the planner's thoughts and actions to users. */
    debug: z.boolean().default(false),
  })
  .prefault({});
