import { startDiscord } from "../../../src/bots/discord/index.js";
import { testConfig } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl } from "../../helpers/redis.js";
import { spawnReplica } from "../../helpers/replica.js";
import { DISCORD_TEST_TOKEN } from "../../helpers/secrets.js";
import { startSwappableEngine } from "../../helpers/swappable-engine.js";
import { APP_ID, startDiscordStandIn } from "./stand-in.js";

/**
 * Several Discord adapter replicas (real discord.js clients) on one stand-in and one Redis
 * prefix, with one engine whose model each test chooses. A replica runs in this process or as a
 * child process (to be killed with SIGKILL); each knows its gateway session, so a test can hand
 * an event to that replica alone.
 */
export async function startDiscordReplicas(o: { prefix: string; channels: string[] }) {
  const stand = await startDiscordStandIn(o.channels);
  const config = testConfig({
    redis: { prefix: o.prefix },
    discord: { apiBase: stand.api, cdnOrigins: [stand.base] },
  });
  const engine = await startSwappableEngine(config);
  const secrets = { discordToken: DISCORD_TEST_TOKEN };
  const running: { close(): Promise<void> }[] = [];

  /** Starts a client and returns the gateway session it identified as. */
  async function identify<T>(start: () => Promise<T>): Promise<{ to: number; started: T }> {
    const to = stand.sessions();
    const started = await start();
    await stand.identifiedBy(to + 1);
    return { to, started };
  }

  return {
    stand,
    config,
    engine,
    /** A replica in this process; `close` is its graceful leave (a rolling restart). */
    async inProcess() {
      const { to, started } = await identify(() => startDiscord({ config, secrets, redisUrl: redisUrl() }));
      let closed = false;
      const replica = {
        to,
        async close() {
          if (closed) return;
          closed = true;
          await started.close();
        },
      };
      running.push(replica);
      return replica;
    },
    /** A replica in a child process of its own, to be killed with `kill9`. */
    async child() {
      const { to, started } = await identify(() =>
        spawnReplica({ platform: "discord", config, secrets, redisUrl: redisUrl() }),
      );
      running.push({ close: () => started.stop() });
      return { to, ...started };
    },
    /** REST requests of one interaction's webhook (its reply and follow-ups). */
    webhook: (id: string, method: string, original = false) =>
      stand.requests.filter(
        (r) =>
          r.method === method &&
          r.path === `/webhooks/${APP_ID}/token-${id}${original ? "/messages/@original" : ""}`,
      ),
    async close() {
      for (const r of running.reverse()) await r.close().catch(() => undefined);
      await engine.close();
      await stand.close();
      const redis = newRedis();
      await dropPrefix(redis, o.prefix);
      redis.disconnect();
    },
  };
}

export type DiscordReplicas = Awaited<ReturnType<typeof startDiscordReplicas>>;
