import type { Config } from "../../src/config/schema.js";
import type { ModelPort } from "../../src/core/model-port.js";
import { createEngine } from "../../src/engine/engine.js";
import { startEngineWorker } from "../../src/engine/worker.js";
import { fakeLinkedIn, fakeMastodon, fakePixelfed } from "../integration/publish/fake-services.js";
import { redisUrl } from "./redis.js";
import { scriptedModel } from "./scripted-model.js";
import { LINKEDIN_TEST_TOKEN, MASTODON_TEST_TOKEN, PIXELFED_TEST_TOKEN } from "./secrets.js";

/** The LinkedIn page the stand-in lets the test token post as. */
export const LINKEDIN_TEST_PAGE = "urn:li:organization:2414183";

/**
 * The engine side of the post-button tests: an engine worker on the run's Redis with a scripted
 * model, and loopback Mastodon, Pixelfed and LinkedIn stand-ins whose tokens the engine holds, so
 * Approve on a post for a configured one publishes there. `config` gets their URLs to put under
 * publish.mastodon.instanceUrl and the others.
 */
export async function startPostEngine(o: {
  prefix: string;
  model: ModelPort;
  config: (mastodonUrl: string, more: { pixelfedUrl: string; linkedinUrl: string }) => Config;
}) {
  const mastodon = await fakeMastodon({ token: MASTODON_TEST_TOKEN });
  const pixelfed = await fakePixelfed({ token: PIXELFED_TEST_TOKEN });
  const linkedin = await fakeLinkedIn({
    token: LINKEDIN_TEST_TOKEN,
    authors: [LINKEDIN_TEST_PAGE],
    version: "202607",
  });
  const config = o.config(mastodon.url, { pixelfedUrl: pixelfed.url, linkedinUrl: linkedin.url });
  const engine = await createEngine({ config, secrets: {}, model: o.model });
  const worker = startEngineWorker({
    redisUrl: redisUrl(),
    prefix: o.prefix,
    config,
    engine,
    secrets: {
      mastodonAccessToken: MASTODON_TEST_TOKEN,
      pixelfedAccessToken: PIXELFED_TEST_TOKEN,
      linkedinAccessToken: LINKEDIN_TEST_TOKEN,
    },
  });
  return {
    mastodon,
    pixelfed,
    linkedin,
    config,
    async close() {
      await worker.close(500);
      await engine.close();
      await Promise.all([mastodon.close(), pixelfed.close(), linkedin.close()]);
    },
  };
}

/**
 * An engine worker whose Mastodon account is `config`'s publish.mastodon (the test's stand-in),
 * with the token the stand-ins accept; for tests that publish through the queue.
 */
export async function startPublishingEngine(o: { config: Config; redisUrl?: string }) {
  const engine = await createEngine({ config: o.config, secrets: {}, model: scriptedModel(["ok"]) });
  const worker = startEngineWorker({
    redisUrl: o.redisUrl ?? redisUrl(),
    prefix: o.config.redis.prefix,
    config: o.config,
    engine,
    secrets: { mastodonAccessToken: MASTODON_TEST_TOKEN },
  });
  return async () => {
    await worker.close(500);
    await engine.close();
  };
}
