import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { inject } from "vitest";

/** The run's Redis (REDIS_URL or the private server from global setup). */
export function redisUrl(): string {
  return inject("redisUrl");
}

/** A fresh key prefix per test, as BullMQ's own tests use a fresh queue name. */
export function uniquePrefix(label = "t"): string {
  return `test-${label}-${randomBytes(4).toString("hex")}`;
}

export function newRedis(): Redis {
  return new Redis(redisUrl(), { maxRetriesPerRequest: null });
}

/** Deletes every key under a prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
}
