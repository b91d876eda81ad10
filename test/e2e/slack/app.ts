import { startSlack } from "../../../src/bots/slack/index.js";
import type { Config } from "../../../src/config/schema.js";
import { createEngine } from "../../../src/engine/engine.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { testConfig } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl } from "../../helpers/redis.js";
import { tinyOrHostile } from "../../helpers/scripted-model.js";
import { tinyModelDir, tinyModelPort } from "../../helpers/tiny-model.js";
import { SECRET, type SendOptions, sendSigned, TOKEN } from "./harness.js";
import { type StandIn, startSlackStandIn } from "./stand-in.js";

/** The real Bolt app in HTTP mode on a free port, and a signed way to reach it. */
export async function startSlackBot(config: Config) {
  const slack = await startSlack({
    config,
    secrets: { slackBotToken: TOKEN, slackSigningSecret: SECRET },
    redisUrl: redisUrl(),
    port: 0,
  });
  const base = `http://127.0.0.1:${slack.port}`;
  return {
    slack,
    base,
    send: (payload: unknown, opts: SendOptions = {}) => sendSigned(base, payload, opts),
  };
}

/**
 * What most Slack e2e tests run: the stand-in, an engine on the tiny model (switchable to a
 * hostile answer or any scripted model), its worker and the Bolt app, all on a fresh prefix.
 */
export async function startSlackUnderTest(o: {
  prefix: string;
  slack?: Record<string, unknown>;
  imagegen?: Record<string, unknown>;
  /** The vision tools' models (tools.detect / segment / cutout). */
  tools?: Record<string, unknown>;
  hostile?: string;
  files?: Record<string, Buffer>;
  /** Other config sections, where a test needs them (conversation, limits…). */
  config?: Record<string, unknown>;
}) {
  const api: StandIn = await startSlackStandIn(TOKEN);
  for (const [id, bytes] of Object.entries(o.files ?? {})) api.files.set(id, bytes);
  const config = testConfig({
    redis: { prefix: o.prefix },
    model: { id: await tinyModelDir() },
    ...o.config,
    slack: { apiUrl: api.apiUrl, fileOrigins: [api.url], ...o.slack },
    ...(o.imagegen ? { imagegen: o.imagegen } : {}),
    ...(o.tools ? { tools: o.tools } : {}),
  });
  const switchable = tinyOrHostile(await tinyModelPort(), o.hostile ?? "");
  const engine = await createEngine({ config, secrets: {}, model: switchable.model });
  const worker = startEngineWorker({ redisUrl: redisUrl(), prefix: o.prefix, config, engine });
  const bot = await startSlackBot(config);
  const redis = newRedis();
  return {
    api,
    ...bot,
    setOverride: switchable.setOverride,
    setHostile: switchable.setHostile,
    async close() {
      await bot.slack.close();
      await worker.close(500);
      await engine.close();
      await api.close();
      await dropPrefix(redis, o.prefix);
      redis.disconnect();
    },
  };
}

export type SlackUnderTest = Awaited<ReturnType<typeof startSlackUnderTest>>;
