import { testConfig } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl } from "../../helpers/redis.js";
import { spawnReplica } from "../../helpers/replica.js";
import { startSwappableEngine } from "../../helpers/swappable-engine.js";
import { startSlackBot } from "./app.js";
import { SECRET, type SendOptions, sendSigned, TOKEN } from "./harness.js";
import { startSlackStandIn } from "./stand-in.js";

/**
 * Several Slack adapter replicas (real Bolt apps in HTTP mode, each on its own port, one signing
 * secret) on one stand-in and one Redis prefix, with one engine whose model each test chooses.
 * A replica runs in this process or as a child process (to be killed with SIGKILL); a test sends
 * each signed request to the replica it chooses.
 */
export async function startSlackReplicas(o: { prefix: string; files?: Record<string, Buffer> }) {
  const api = await startSlackStandIn(TOKEN);
  for (const [id, bytes] of Object.entries(o.files ?? {})) api.files.set(id, bytes);
  const config = testConfig({
    redis: { prefix: o.prefix },
    slack: { apiUrl: api.apiUrl, fileOrigins: [api.url] },
  });
  const engine = await startSwappableEngine(config);
  const running: { close(): Promise<void> }[] = [];
  const reach =
    (base: string) =>
    (payload: unknown, opts: SendOptions = {}) =>
      sendSigned(base, payload, opts);

  return {
    api,
    config,
    engine,
    /** A replica in this process; `close` is its graceful leave (a rolling restart). */
    async inProcess() {
      const bot = await startSlackBot(config);
      let closed = false;
      const replica = {
        base: bot.base,
        send: reach(bot.base),
        async close() {
          if (closed) return;
          closed = true;
          await bot.slack.close();
        },
      };
      running.push(replica);
      return replica;
    },
    /** A replica in a child process of its own, to be killed with `kill9`. */
    async child() {
      const replica = await spawnReplica({
        platform: "slack",
        config,
        secrets: { slackBotToken: TOKEN, slackSigningSecret: SECRET },
        redisUrl: redisUrl(),
        port: 0,
      });
      running.push({ close: () => replica.stop() });
      const base = `http://127.0.0.1:${replica.port}`;
      return { ...replica, base, send: reach(base) };
    },
    async close() {
      for (const r of running.reverse()) await r.close().catch(() => undefined);
      await engine.close();
      await api.close();
      const redis = newRedis();
      await dropPrefix(redis, o.prefix);
      redis.disconnect();
    },
  };
}

export type SlackReplicas = Awaited<ReturnType<typeof startSlackReplicas>>;
