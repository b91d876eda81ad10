import { createHmac, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { BlobRef } from "../core/jobs.js";
import { CodedError, ErrorCode } from "../errors.js";

/**
 * Image bytes live here, once, with a TTL; jobs carry only the keys. Keys are keyed hashes of the
 * content (HMAC with a secret this deployment keeps in Redis), so the same upload is stored once,
 * yet nobody without the secret can work out a photo's key to ask whether it was uploaded. Small interface on purpose: an S3-compatible store fits behind it.
 */
export interface BlobStore {
  put(bytes: Buffer, meta: Omit<BlobRef, "key" | "bytes">): Promise<BlobRef>;
  /** Throws CodedError(BlobExpired) with a "please upload again" sentence when the blob is gone. */
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

export interface BlobOptions {
  prefix: string;
  ttlS: number;
  maxBytes: number;
}

export const BLOB_KEY = /^blob-[0-9a-f]{40}$/;

/** Where a blob's bytes are in Redis (other records that live as long as a blob read its TTL there). */
export function blobRedisKey(prefix: string, key: string): string {
  return `${prefix}:blob:${key}`;
}

/**
 * The deployment's blob-key secret: made once by whichever process needs it first (SET NX, so
 * every replica ends up with the same one) and never expiring, or keys would change under jobs.
 */
async function blobSecret(redis: Redis, prefix: string): Promise<Buffer> {
  const key = `${prefix}:blob-secret`;
  await redis.set(key, randomBytes(32).toString("hex"), "NX");
  const secret = await redis.get(key);
  if (!secret) throw new Error("the blob-key secret could not be read back from Redis");
  return Buffer.from(secret, "hex");
}

export function createBlobStore(redis: Redis, options: BlobOptions): BlobStore {
  const redisKey = (key: string) => blobRedisKey(options.prefix, key);
  let secret: Promise<Buffer> | undefined;
  const keyFor = async (bytes: Buffer) => {
    secret ??= blobSecret(redis, options.prefix).catch((err: unknown) => {
      secret = undefined; // a Redis hiccup is tried again on the next put
      throw err;
    });
    // 40 hex characters, as before: the key's shape is part of the job contract.
    return `blob-${createHmac("sha256", await secret)
      .update(bytes)
      .digest("hex")
      .slice(0, 40)}`;
  };
  return {
    async put(bytes, meta) {
      if (bytes.length > options.maxBytes) {
        const mb = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MB`;
        throw new CodedError(
          ErrorCode.ImageTooLarge,
          `That image is ${mb(bytes.length)}; the limit is ${mb(options.maxBytes)}.`,
        );
      }
      const key = await keyFor(bytes);
      await redis.set(redisKey(key), bytes, "EX", options.ttlS);
      return { key, bytes: bytes.length, ...meta };
    },
    async get(key) {
      if (!BLOB_KEY.test(key))
        throw new CodedError(
          ErrorCode.BlobExpired,
          "That image reference is not valid. Please upload it again.",
        );
      const bytes = await redis.getBuffer(redisKey(key));
      if (!bytes)
        throw new CodedError(
          ErrorCode.BlobExpired,
          "That image is no longer available (uploads are kept for a limited time). Please upload it again.",
        );
      return bytes;
    },
    async delete(key) {
      await redis.del(redisKey(key));
    },
  };
}
