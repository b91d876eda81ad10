import type { Config } from "../../src/config/schema.js";
import type { ModelPort } from "../../src/core/model-port.js";
import { createEngine } from "../../src/engine/engine.js";
import { startEngineWorker } from "../../src/engine/worker.js";
import { fakeMastodon } from "../integration/publish/fake-services.js";
import { redisUrl } from "./redis.js";
import { MASTODON_TEST_TOKEN as MASTODON_TOKEN } from "./secrets.js";

/**
 * The engine side of the post-button tests: an engine worker on the run's Redis with a scripted
 * model, and a loopback Mastodon whose account is configured, so Approve on a Mastodon post
 * publishes there. `config` gets the Mastodon URL to put under publish.mastodon.instanceUrl.
 */
export async function startPostEngine(o: {
  prefix: string;
  model: ModelPort;
  config: (mastodonUrl: string) => Config;
}) {
  const mastodon = await fakeMastodon({ token: MASTODON_TOKEN });
  const config = o.config(mastodon.url);
  const engine = await createEngine({ config, secrets: {}, model: o.model });
  const worker = startEngineWorker({
    redisUrl: redisUrl(),
    prefix: o.prefix,
    config,
    engine,
    secrets: { mastodonAccessToken: MASTODON_TOKEN },
  });
  return {
    mastodon,
    config,
    async close() {
      await worker.close(500);
      await engine.close();
      await mastodon.close();
    },
  };
}
