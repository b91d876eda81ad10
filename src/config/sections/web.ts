import { z } from "zod";

export const webSection = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8787),
  })
  .prefault({});
