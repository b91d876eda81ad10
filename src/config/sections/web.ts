import { z } from "zod";

export const webSection = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8787),
    /**
     * Listen beyond loopback without WEB_PASSWORD (logged as a warning): only for a playground
     * behind a proxy that asks for a login itself, or a container reachable only through loopback.
     */
    public: z.boolean().default(false),
    /** Host names the playground answers to besides loopback (the name a TLS proxy forwards). */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** The user name basic auth asks for with WEB_PASSWORD; any name is accepted when unset. */
    user: z.string().min(1).optional(),
    /** A playground session (its cookie, history and images) ends after this long without a request. */
    sessionIdleS: z.number().int().min(60).default(3600),
  })
  .prefault({});
