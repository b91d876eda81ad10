import { z } from "zod";

export const redisSection = z
  .object({
    /**
     * Key prefix for every queue and key, so several deployments can share one Redis. On Redis
     * Cluster (REDIS_URL redis+cluster://…) it must be a hash tag in braces, e.g. "{llava-bot}".
     */
    prefix: z.string().min(1).default("llava-bot"),
    /** When no REDIS_URL is set, `llava-bot start` runs its own redis-server with data here. */
    stateDir: z.string().default(".state"),
    /** The redis-server program that private Redis runs (a name on PATH, or a path). */
    serverBin: z.string().min(1).default("redis-server"),
  })
  .prefault({});
