import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Redis } from "ioredis";
import type { Checkpoint, Published } from "./port.js";

/**
 * Where publishing remembers each approval: a claim while one attempt runs, the attempt's
 * checkpoint, and the result once posted. Redis for the bot (every engine agrees); a JSON file
 * for the command line.
 */
interface PublishRecord {
  checkpoint: Checkpoint;
  result?: Omit<Published, "duplicate">;
}

export interface PublishStore {
  read(key: string): Promise<PublishRecord>;
  /** Takes the claim for `leaseMs` unless another owner holds it. */
  claim(key: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Extends a claim this owner still holds. */
  renew(key: string, owner: string, leaseMs: number): Promise<void>;
  release(key: string, owner: string): Promise<void>;
  saveCheckpoint(key: string, update: Checkpoint): Promise<void>;
  saveResult(key: string, result: Omit<Published, "duplicate">): Promise<void>;
}

/** A Redis-safe key for an approval, whatever characters its id has. */
export function approvalKey(target: string, approvalId: string): string {
  const safe = /^[\w:.@-]{1,150}$/.test(approvalId)
    ? approvalId
    : createHash("sha256").update(approvalId).digest("hex");
  return `${target}:${safe}`;
}

const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;
const RENEW = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`;

export function redisPublishStore(redis: Redis, prefix: string, ttlS: number): PublishStore {
  const data = (key: string) => `${prefix}:publish:${key}`;
  const lock = (key: string) => `${prefix}:publish:${key}:claim`;
  return {
    async read(key) {
      const fields = await redis.hgetall(data(key));
      const checkpoint: Checkpoint = {};
      for (const [k, v] of Object.entries(fields)) if (k.startsWith("cp:")) checkpoint[k.slice(3)] = v;
      return { checkpoint, ...(fields.result ? { result: JSON.parse(fields.result) } : {}) };
    },
    async claim(key, owner, leaseMs) {
      return (await redis.set(lock(key), owner, "PX", leaseMs, "NX")) === "OK";
    },
    async renew(key, owner, leaseMs) {
      await redis.eval(RENEW, 1, lock(key), owner, String(leaseMs));
    },
    async release(key, owner) {
      await redis.eval(RELEASE, 1, lock(key), owner);
    },
    async saveCheckpoint(key, update) {
      const entries = Object.entries(update).flatMap(([k, v]) => [`cp:${k}`, v]);
      if (!entries.length) return;
      await redis
        .multi()
        .hset(data(key), ...entries)
        .expire(data(key), ttlS)
        .exec();
    },
    async saveResult(key, result) {
      await redis.multi().hset(data(key), "result", JSON.stringify(result)).expire(data(key), ttlS).exec();
    },
  };
}

/** One JSON file holding every approval the command line published from one folder. */
export function filePublishStore(path: string): PublishStore {
  type FileData = Record<string, PublishRecord>;
  const load = async (): Promise<FileData> => {
    try {
      return JSON.parse(await readFile(path, "utf8")) as FileData;
    } catch {
      return {};
    }
  };
  const update = async (key: string, change: (r: PublishRecord) => PublishRecord) => {
    const all = await load();
    all[key] = change(all[key] ?? { checkpoint: {} });
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`);
    await rename(tmp, path);
  };
  return {
    async read(key) {
      return (await load())[key] ?? { checkpoint: {} };
    },
    // One terminal, one process: there is nobody to share a claim with.
    async claim() {
      return true;
    },
    async renew() {},
    async release() {},
    async saveCheckpoint(key, cp) {
      await update(key, (r) => ({ ...r, checkpoint: { ...r.checkpoint, ...cp } }));
    },
    async saveResult(key, result) {
      await update(key, (r) => ({ ...r, result }));
    },
  };
}
