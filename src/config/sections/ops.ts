import { z } from "zod";

export const opsSection = z
  .object({
    /** /metrics and /healthz for the engine; 0 picks a free port, null turns it off. */
    metricsPort: z.number().int().min(0).max(65535).nullable().default(9464),
    metricsHost: z.string().default("127.0.0.1"),
    /** Serve /metrics beyond loopback without DASHBOARD_PASSWORD (logged as a warning). */
    public: z.boolean().default(false),
    /** The user name basic auth asks for with DASHBOARD_PASSWORD; any name is accepted when unset. */
    dashboardUser: z.string().min(1).optional(),
    logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  })
  .prefault({});
