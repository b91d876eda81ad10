import { z } from "zod";

export const opsSection = z
  .object({
    /** /metrics and /healthz for the engine; 0 picks a free port, null turns it off. */
    metricsPort: z.number().int().min(0).max(65535).nullable().default(9464),
    metricsHost: z.string().default("127.0.0.1"),
    logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  })
  .prefault({});
