/** Redis as bench:soak sees it: memory and keys, and which keys would stay for ever. */

import type { Redis } from "ioredis";

export async function redisSample(db: Redis): Promise<{ usedMb: number; keys: number }> {
  const info = await db.info("memory");
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  return { usedMb: used / 1e6, keys: await db.dbsize() };
}

/** A key's shape: ids and hashes replaced, so keys made per request fall into one class. */
function shape(key: string): string {
  return key.replace(/[0-9a-f]{16,}|[0-9]{6,}|[A-Za-z0-9_-]{20,}|web:[0-9a-f-]{36}/gi, "*");
}

/**
 * The keys that never expire by themselves (no TTL), by shape. Keys with a TTL are bounded by
 * it; these are bounded only if something removes them (BullMQ's retention, our own clean-up),
 * so after the TTLs have passed their number must be back where it was.
 */
export async function persistentKeys(db: Redis): Promise<{ count: number; shapes: Map<string, number> }> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await db.scan(cursor, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  const pipeline = db.pipeline();
  for (const k of keys) pipeline.pttl(k);
  const ttls = (await pipeline.exec()) ?? [];
  const shapes = new Map<string, number>();
  let count = 0;
  for (const [n, k] of keys.entries()) {
    if (ttls[n]?.[1] !== -1) continue;
    count++;
    shapes.set(shape(k), (shapes.get(shape(k)) ?? 0) + 1);
  }
  return { count, shapes };
}
