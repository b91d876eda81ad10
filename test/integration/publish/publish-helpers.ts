import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { afterAll, afterEach } from "vitest";
import { blueskyPublisher } from "../../../src/publish/bluesky.js";
import { isPublishError, type PublishError } from "../../../src/publish/errors.js";
import { mastodonPublisher } from "../../../src/publish/mastodon.js";
import type { Approval, Publisher, PublishPost } from "../../../src/publish/port.js";
import { redisPublishStore } from "../../../src/publish/store.js";
import { fixture } from "../../helpers/images.js";
import { dropPrefix, newRedis, uniquePrefix } from "../../helpers/redis.js";

/** What the publishing tests share: the accounts the stand-ins accept, a post, publishers for a URL. */

export const TOKEN = "mastodon-token-0123456789";
export const APP_PASSWORD = "abcd-efgh-ijkl-mnop";
export const HANDLE = "team.bsky.social";
export const ALT = "Two people play frisbee on a green lawn, bare trees behind them.";
export const IMAGE = fixture("frisbee.jpg");

export function approval(): Approval {
  return { id: `web:req-${randomUUID()}:approve:0`, at: Date.now() };
}

export function post(text = "Frisbee Sunday, best Sunday 🥏\n\n#Frisbee #Park"): PublishPost {
  return {
    text,
    lang: "en",
    image: { bytes: IMAGE, mime: "image/jpeg", width: 1080, height: 1350, altText: ALT },
  };
}

/** A real 3.4 MB photo: over Bluesky's 2,000,000 bytes and a 2 MiB instance's limit. */
export const PHOTO_3MB = fixture("cat_comp.jpeg");

/** A post with a JPEG as it is (its size as given), for the size checks. */
export async function jpegPost(
  bytes: Buffer,
  text = "A cat on the sofa",
  altText = ALT,
): Promise<PublishPost> {
  const meta = await sharp(bytes).metadata();
  return {
    text,
    image: { bytes, mime: "image/jpeg", width: meta.width ?? 0, height: meta.height ?? 0, altText },
  };
}

export function mastodonAt(url: string, token = TOKEN): Publisher {
  return mastodonPublisher({ instanceUrl: url, accessToken: token, visibility: "public", timeoutMs: 5000 });
}

export function blueskyAt(url: string, password = APP_PASSWORD): Publisher {
  return blueskyPublisher({ service: url, identifier: HANDLE, password, timeoutMs: 5000 });
}

export async function failure(p: Promise<unknown>): Promise<PublishError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPublishError(err)) throw new Error(`expected a PublishError, got ${String(err)}`);
  return err;
}

/**
 * A test file's publishing run: an approval store in Redis under its own prefix (dropped at the
 * end), and things to close after each test (stand-in servers, child processes).
 */
export function publishingRun(name: string) {
  const redis = newRedis();
  const prefix = uniquePrefix(name);
  const store = redisPublishStore(redis, prefix, 3600);
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    await redis.quit();
  });
  return { prefix, store, cleanups };
}
