import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createBlobStore } from "../../../src/queue/blobs.js";
import { colourPhoto } from "../../helpers/images.js";
import { dropPrefix, newRedis, uniquePrefix } from "../../helpers/redis.js";

/**
 * Blob keys are keyed names: an HMAC of the content with a secret the deployment keeps in Redis.
 * The same photo is stored once per deployment, but nobody can work out its key from the photo.
 */
const redis = newRedis();
const prefixes = [uniquePrefix("blob-keys"), uniquePrefix("blob-keys")];
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(redis, p);
  redis.disconnect();
});

const store = (prefix: string) => createBlobStore(redis, { prefix, ttlS: 60, maxBytes: 1_000_000 });
const meta = { mime: "image/png" as const, width: 160, height: 120 };

describe("blob keys", () => {
  it("are not the content's plain hash; every replica of a deployment names a photo alike; another deployment differently", async () => {
    const photo = await colourPhoto("red");
    const [a, b] = prefixes as [string, string];
    const first = await store(a).put(photo, meta);
    const again = await store(a).put(photo, meta); // another process of the same deployment
    const elsewhere = await store(b).put(photo, meta);
    expect(first.key).toMatch(/^blob-[0-9a-f]{40}$/);
    expect(first.key).not.toBe(`blob-${createHash("sha1").update(photo).digest("hex")}`);
    expect(first.key).not.toContain(createHash("sha256").update(photo).digest("hex").slice(0, 40));
    expect(again.key).toBe(first.key);
    expect(elsewhere.key).not.toBe(first.key);
    expect(await store(a).get(first.key)).toEqual(photo);
    // The secret is the deployment's: 32 random bytes, kept without a TTL.
    expect(await redis.get(`${a}:blob-secret`)).toMatch(/^[0-9a-f]{64}$/);
    expect(await redis.ttl(`${a}:blob-secret`)).toBe(-1);
  });
});
