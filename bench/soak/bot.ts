/**
 * The bot under soak: `llava-bot start` as its own process, exactly as a user runs it, pointed at
 * the stand-ins and the tiny model, with bench/soak/probe.mjs loaded to sample its memory and
 * event-loop delay.
 */

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { freePort } from "../../src/queue/redis-server.js";
import { start } from "../../test/helpers/start.js";

export interface ProbeSample {
  at: number;
  pid: number;
  ppid: number;
  relaunched: boolean;
  rss: number;
  heapUsed: number;
  external: number;
  delayP99Ms: number;
  delayMaxMs: number;
}

export interface BotOptions {
  dir: string;
  redisUrl: string;
  modelDir: string;
  discord: { api: string; cdn: string; autocaption: string };
  slack: { api: string; files: string; autocaption: string; token: string; secret: string };
  /** How long blobs, conversations and kept jobs live: short, so the run sees them go. */
  ttlS: number;
  probeMs: number;
}

export async function startBot(o: BotOptions) {
  const slackPort = await freePort();
  const webPort = await freePort();
  const config = {
    model: { id: o.modelDir, maxNewTokens: 16, temperature: 0 },
    redis: { prefix: `soak-${Date.now()}` },
    limits: {
      perUserInFlight: 100,
      perScopeRate: 1_000_000,
      blobTtlS: o.ttlS,
      keepCompleted: { ageS: o.ttlS },
      keepFailed: { ageS: o.ttlS },
    },
    discord: {
      apiBase: o.discord.api,
      cdnOrigins: [o.discord.cdn],
      autocaptionChannels: [o.discord.autocaption],
    },
    slack: {
      apiUrl: o.slack.api,
      fileOrigins: [o.slack.files],
      port: slackPort,
      autocaptionChannels: [o.slack.autocaption],
    },
    web: { port: webPort },
    ops: { metricsPort: null },
  };
  const configFile = join(o.dir, "soak.yaml");
  writeFileSync(configFile, stringify(config));
  const probeFile = join(o.dir, "probe.jsonl");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LLAVA_BOT_CONFIG: configFile,
    REDIS_URL: o.redisUrl,
    DISCORD_TOKEN: "Bot.soak",
    SLACK_BOT_TOKEN: o.slack.token,
    SLACK_SIGNING_SECRET: o.slack.secret,
    LOG_LEVEL: "warn",
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${resolve("bench/soak/probe.mjs")}`.trim(),
    SOAK_PROBE_FILE: probeFile,
    SOAK_PROBE_MS: String(o.probeMs),
  };
  delete env.SLACK_APP_TOKEN;
  // The web line comes last, after Discord's and Slack's.
  const { child, output, exited } = await start(env, [], "start");
  for (const role of [/^discord\s+connected/m, /^slack\s+Events API/m])
    if (!role.test(output())) throw new Error(`llava-bot start did not connect both stand-ins:\n${output()}`);
  return {
    pid: child.pid,
    slackUrl: `http://127.0.0.1:${slackPort}`,
    webUrl: `http://127.0.0.1:${webPort}`,
    output,
    /** The bot's own samples, and those of the processes it started (the HEIC decoder). */
    samples(): { bot: ProbeSample[]; others: ProbeSample[] } {
      const all = existsSync(probeFile)
        ? readFileSync(probeFile, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as ProbeSample)
        : [];
      // The bot is the process `start` runs in: the launcher's child where it relaunched itself.
      const botPid = all.find((s) => s.relaunched && s.ppid === child.pid)?.pid ?? child.pid;
      const launcher = botPid === child.pid ? undefined : child.pid;
      return {
        bot: all.filter((s) => s.pid === botPid),
        others: all.filter((s) => s.pid !== botPid && s.pid !== launcher),
      };
    },
    async stop(): Promise<number | null> {
      child.kill("SIGINT");
      return exited;
    },
  };
}
