// An engine worker in its own process, so a test can kill it with SIGKILL at a chosen moment.
// Everything comes from the environment; it prints "ready" once its worker runs.
import { parseConfig } from "../../../src/config/load.js";
import { createEngine } from "../../../src/engine/engine.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { scriptedModel } from "../../helpers/scripted-model.js";

const env = process.env as Record<string, string>;
const config = parseConfig(JSON.parse(env.ENGINE_CONFIG as string));
const engine = await createEngine({ config, secrets: {}, model: scriptedModel(["ok"]) });
startEngineWorker({
  redisUrl: env.REDIS_URL as string,
  prefix: config.redis.prefix,
  config,
  engine,
  secrets: { mastodonAccessToken: env.MASTODON_TOKEN as string },
});
process.stdout.write("ready\n");
