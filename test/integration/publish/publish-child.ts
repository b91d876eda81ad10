// Runs one publish in its own process, so a test can kill it with SIGKILL mid-way.
// Everything comes from the environment; the result goes to stdout as one JSON line.
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { blueskyPublisher } from "../../../src/publish/bluesky.js";
import { linkedinPublisher } from "../../../src/publish/linkedin.js";
import { mastodonPublisher } from "../../../src/publish/mastodon.js";
import { publishOnce } from "../../../src/publish/once.js";
import { pixelfedPublisher } from "../../../src/publish/pixelfed.js";
import type { Publisher } from "../../../src/publish/port.js";
import { redisPublishStore } from "../../../src/publish/store.js";

const env = process.env as Record<string, string>;
const redis = new Redis(env.REDIS_URL as string, { maxRetriesPerRequest: null });
const url = env.SERVICE_URL as string;
const secret = env.SECRET as string;
const publishers: Record<string, () => Publisher> = {
  mastodon: () =>
    mastodonPublisher({ instanceUrl: url, accessToken: secret, visibility: "public", timeoutMs: 10_000 }),
  bluesky: () =>
    blueskyPublisher({ service: url, identifier: env.HANDLE as string, password: secret, timeoutMs: 10_000 }),
  pixelfed: () =>
    pixelfedPublisher({ instanceUrl: url, accessToken: secret, visibility: "public", timeoutMs: 10_000 }),
  linkedin: () =>
    linkedinPublisher({
      apiUrl: url,
      accessToken: secret,
      author: env.AUTHOR as string,
      version: env.LINKEDIN_VERSION as string,
      uploadOrigins: [url],
      timeoutMs: 10_000,
    }),
};
const publisher = (publishers[env.TARGET as string] as () => Publisher)();
const result = await publishOnce({
  store: redisPublishStore(redis, env.PREFIX as string, 3600),
  publisher,
  approval: { id: env.APPROVAL_ID as string, at: Number(env.APPROVED_AT) },
  post: {
    text: env.TEXT as string,
    image: {
      bytes: readFileSync(env.IMAGE as string),
      mime: "image/jpeg",
      width: 1080,
      height: 1350,
      altText: env.ALT as string,
    },
  },
  leaseMs: Number(env.LEASE_MS),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
await redis.quit();
