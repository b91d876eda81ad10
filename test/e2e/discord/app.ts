import { startDiscord } from "../../../src/bots/discord/index.js";
import { createEngine } from "../../../src/engine/engine.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { testConfig } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl } from "../../helpers/redis.js";
import { tinyOrHostile } from "../../helpers/scripted-model.js";
import { DISCORD_TEST_TOKEN } from "../../helpers/secrets.js";
import { tinyModelDir, tinyModelPort } from "../../helpers/tiny-model.js";
import { APP_ID, startDiscordStandIn } from "./stand-in.js";
import type { DiscordLimits } from "./stand-in-limits.js";

/**
 * What most Discord e2e tests run: the stand-in with these channels, an engine on the tiny model
 * (switchable to a hostile answer or any scripted model), its worker and the real discord.js
 * client, all on a fresh prefix; plus the views of the stand-in's records the tests read.
 */
export async function startDiscordUnderTest(o: {
  prefix: string;
  channels: string[];
  config?: Record<string, unknown>;
  discord?: Record<string, unknown>;
  hostile?: string;
  /** What the stand-in allows, where a test needs Discord stricter than by default. */
  limits?: Partial<DiscordLimits>;
}) {
  const stand = await startDiscordStandIn(o.channels, o.limits);
  const config = testConfig({
    redis: { prefix: o.prefix },
    model: { id: await tinyModelDir() },
    ...o.config,
    discord: { apiBase: stand.api, cdnOrigins: [stand.base], ...o.discord },
  });
  const switchable = tinyOrHostile(await tinyModelPort(), o.hostile ?? "");
  const engine = await createEngine({ config, secrets: {}, model: switchable.model });
  const worker = startEngineWorker({ redisUrl: redisUrl(), prefix: o.prefix, config, engine });
  const discord = await startDiscord({
    config,
    secrets: { discordToken: DISCORD_TEST_TOKEN },
    redisUrl: redisUrl(),
  });
  const redis = newRedis();
  return {
    stand,
    discord,
    setOverride: switchable.setOverride,
    setHostile: switchable.setHostile,
    /** Messages the bot created in a channel with its token. */
    sentTo: (channel: string) =>
      stand.requests.filter((r) => r.method === "POST" && r.path === `/channels/${channel}/messages`),
    /** Edits of an interaction's deferred reply. */
    webhookEdits: (id: string) =>
      stand.requests.filter(
        (r) => r.method === "PATCH" && r.path === `/webhooks/${APP_ID}/token-${id}/messages/@original`,
      ),
    async close() {
      await discord.close();
      await worker.close(500);
      await engine.close();
      await stand.close();
      await dropPrefix(redis, o.prefix);
      redis.disconnect();
    },
  };
}

export type DiscordUnderTest = Awaited<ReturnType<typeof startDiscordUnderTest>>;
