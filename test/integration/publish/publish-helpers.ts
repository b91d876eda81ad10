import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import sharp from "sharp";
import { afterAll, afterEach } from "vitest";
import { blueskyPublisher } from "../../../src/publish/bluesky.js";
import { isPublishError, type PublishError } from "../../../src/publish/errors.js";
import { linkedinPublisher } from "../../../src/publish/linkedin.js";
import { mastodonPublisher } from "../../../src/publish/mastodon.js";
import { pixelfedPublisher } from "../../../src/publish/pixelfed.js";
import type { Approval, Published, Publisher, PublishPost } from "../../../src/publish/port.js";
import { redisPublishStore } from "../../../src/publish/store.js";
import { FIXTURES, fixture } from "../../helpers/images.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";

/** What the publishing tests share: the accounts the stand-ins accept, a post, publishers for a URL. */

export const TOKEN = "mastodon-token-0123456789";
export const APP_PASSWORD = "abcd-efgh-ijkl-mnop";
export const HANDLE = "team.bsky.social";
export const PIXELFED_TOKEN = "pixelfed-token-9876543210";
export const LINKEDIN_TOKEN = "AQVlinkedin-token-0123456789";
export const MEMBER = "urn:li:person:8675309abc";
export const ORGANIZATION = "urn:li:organization:2414183";
export const LINKEDIN_VERSION = "202607";
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

export function pixelfedAt(url: string, token = PIXELFED_TOKEN): Publisher {
  return pixelfedPublisher({ instanceUrl: url, accessToken: token, visibility: "public", timeoutMs: 5000 });
}

export function linkedinAt(
  url: string,
  o: { token?: string; author?: string; version?: string; uploadOrigins?: string[] } = {},
): Publisher {
  return linkedinPublisher({
    apiUrl: url,
    accessToken: o.token ?? LINKEDIN_TOKEN,
    author: o.author ?? MEMBER,
    version: o.version ?? LINKEDIN_VERSION,
    // The stand-in hands out upload URLs on its own origin, as LinkedIn does on www.linkedin.com.
    uploadOrigins: o.uploadOrigins ?? [url],
    timeoutMs: 5000,
  });
}

export async function failure(p: Promise<unknown>): Promise<PublishError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPublishError(err)) throw new Error(`expected a PublishError, got ${String(err)}`);
  return err;
}

/** What publish-child.ts needs to publish this approval of `post()` to a stand-in. */
export function childEnv(
  target: string,
  serviceUrl: string,
  secret: string,
  a: Approval,
  more: Record<string, string> = {},
): Record<string, string> {
  return {
    TARGET: target,
    SERVICE_URL: serviceUrl,
    SECRET: secret,
    APPROVAL_ID: a.id,
    APPROVED_AT: String(a.at),
    TEXT: post().text,
    ...more,
  };
}

/** The retry a queue would make: again while the crashed attempt's claim is still held. */
export async function retryUntilClaimed(run: () => Promise<Published>): Promise<Published> {
  for (let i = 0; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (!(isPublishError(err) && /right now/.test(err.message)) || i > 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * A test file's publishing run: an approval store in Redis under its own prefix (dropped at the
 * end), things to close after each test (stand-in servers, child processes), and publishes run in
 * a child process (publish-child.ts) that a test can kill with SIGKILL mid-way.
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

  function publishInChild(env: Record<string, string>) {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", resolve("test/integration/publish/publish-child.ts")],
      {
        env: {
          ...process.env,
          REDIS_URL: redisUrl(),
          PREFIX: prefix,
          IMAGE: resolve(FIXTURES, "frisbee.jpg"),
          ALT,
          LEASE_MS: "1500",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    });
    return { child, exited };
  }

  /**
   * Publishes in a child and kills it with SIGKILL once the stand-in has reached a held route
   * (`hooks.hold`); the held answer then goes out to nobody.
   */
  async function killWhen(reached: Promise<() => void>, env: Record<string, string>): Promise<void> {
    const { child, exited } = publishInChild(env);
    const release = await reached;
    child.kill("SIGKILL");
    await exited;
    release();
  }

  return { prefix, store, cleanups, publishInChild, killWhen };
}
