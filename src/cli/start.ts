import { join, resolve } from "node:path";
import { startDiscord } from "../bots/discord/index.js";
import { startSlack } from "../bots/slack/index.js";
import { assertExposure } from "../bots/web/guard.js";
import { startWeb } from "../bots/web/index.js";
import { createEngine } from "../engine/engine.js";
import { statusAsProgress } from "../engine/model/status.js";
import { startEngineWorker } from "../engine/worker.js";
import { checkRedisTarget } from "../queue/connection.js";
import { type RedisServer, startRedisServer } from "../queue/redis-server.js";
import { describeRedisUrl } from "../queue/redis-url.js";
import { COMMON_OPTIONS, configFromFlags, parse, portFlag, usage } from "./args.js";
import { noteRunningRedis } from "./deployment-redis.js";
import { loadProgress } from "./progress.js";
import { shutdownSteps, stopSignal } from "./shutdown.js";

const HELP = `usage: llava-bot start [--model ID|PATH] [--port N]

Runs everything on this machine: Redis (REDIS_URL, or a private redis-server with its data in
redis.stateDir), the engine, every chat adapter that has credentials, and the web playground.
Ctrl-C or SIGTERM stops it all within engine.shutdownGraceMs (events already acknowledged are queued
first, running jobs get the rest of that time to finish; a second Ctrl-C quits at once); waiting jobs
stay in Redis for the next start.`;

const OPTIONS = { ...COMMON_OPTIONS, port: { type: "string" } } as const;

function line(component: string, status: string): void {
  process.stdout.write(`${component.padEnd(8)} ${status}\n`);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, OPTIONS);
  if (values.help) return usage(HELP);
  const loaded = configFromFlags(values);
  const { config, secrets } = loaded;
  if (values.port !== undefined) config.web.port = portFlag(values.port);
  // Before anything starts: a playground open to the network without a password is refused.
  if (config.web.enabled)
    assertExposure(config, { password: secrets.webPassword, approverPassword: secrets.webApproverPassword });

  const stopRequested = stopSignal();
  const stops = shutdownSteps();
  const stopAll = () => stops.stopAll(config.engine.shutdownGraceMs);
  try {
    let redisUrl = secrets.redisUrl;
    if (redisUrl) {
      checkRedisTarget(redisUrl, config.redis.prefix);
      line("redis", `using REDIS_URL (${describeRedisUrl(redisUrl)})`);
    } else {
      const dir = resolve(join(config.redis.stateDir, "redis"));
      // Its own process group: a terminal's Ctrl-C reaches only us, and Redis stops last, after
      // the work that still writes to it.
      const server: RedisServer = await startRedisServer({
        dir,
        appendOnly: true,
        binary: config.redis.serverBin,
        ownProcessGroup: true,
      });
      // A terminal's `llava-bot post --at` and `scheduled` find it from this note.
      const forget = noteRunningRedis(config, server.url);
      stops.add("redis-server", () => {
        forget();
        return server.stop();
      });
      redisUrl = server.url;
      line("redis", `private redis-server on 127.0.0.1:${server.port} (pid ${server.pid}), data in ${dir}`);
    }

    const engine = await createEngine(loaded);
    stops.add("engine", () => engine.close());
    const worker = startEngineWorker({ redisUrl, prefix: config.redis.prefix, config, engine, secrets });
    stops.add("engine worker", (workMs) => worker.close(workMs));
    line("engine", `model ${engine.model.id} loading in the background`);
    // The playground comes up at once; OCR and edits run meanwhile, and requests that need the
    // model wait in the queue, showing the download's progress.
    const tty = process.stdout.isTTY === true;
    const show = loadProgress(`${"engine".padEnd(8)} model`, {
      tty,
      write: (s) => void process.stdout.write(s),
    });
    engine.loader.onChange((s) => {
      if (s.state === "downloading") show(statusAsProgress(s));
    });
    engine.loader.ensure().then(
      () => line(tty ? "\r\x1b[2Kengine" : "engine", "model ready"),
      (err: unknown) =>
        line(tty ? "\r\x1b[2Kengine" : "engine", `model failed to load: ${(err as Error).message}`),
    );

    if (secrets.discordToken) {
      const discord = await startDiscord({ config, secrets, redisUrl });
      stops.add("discord", (workMs) => discord.close(adapterShare(workMs)));
      line("discord", `connected as ${discord.client.user?.tag ?? "bot"}`);
    } else {
      line("discord", "skipped: set DISCORD_TOKEN to run it");
    }
    if (secrets.slackBotToken && (secrets.slackSigningSecret || secrets.slackAppToken)) {
      const slack = await startSlack({ config, secrets, redisUrl });
      stops.add("slack", (workMs) => slack.close(adapterShare(workMs)));
      line(
        "slack",
        slack.mode === "socket"
          ? "connected in Socket Mode"
          : `Events API on port ${slack.port} (/slack/events)`,
      );
    } else {
      line("slack", "skipped: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to run it");
    }

    if (config.web.enabled) {
      const web = await startWeb({ config, secrets, redisUrl });
      stops.add("web", () => web.close());
      line(
        "web",
        `${web.url}${secrets.webPassword || secrets.webApproverPassword ? " (password protected)" : ""}`,
      );
    } else {
      line("web", "off (web.enabled: false)");
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  await stopRequested;
  line("llava-bot", "stopping… (Ctrl-C again to quit at once)");
  await stopAll();
  line("llava-bot", "stopped");
  return 0;
}

/**
 * The adapters stop before the engine worker, each letting its acknowledged events finish: they
 * take at most half the time left, so the worker's running jobs keep the rest.
 */
const adapterShare = (workMs: number) => workMs / 2;
