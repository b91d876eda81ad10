/**
 * The rounds bench:ack runs, shared with bench:heic: the real adapters against the stand-ins,
 * EVENTS events at once per round, each acknowledged and then downloaded, checked, stored and
 * queued. What each event uploads is the caller's choice.
 */

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { startDiscord } from "../src/bots/discord/index.js";
import { startSlack } from "../src/bots/slack/index.js";
import { jobIdFor, jobKey } from "../src/queue/names.js";
import { slashCommand } from "../test/e2e/discord/payloads.js";
import { startDiscordStandIn } from "../test/e2e/discord/stand-in.js";
import {
  mentionEvent,
  SECRET as SLACK_SECRET,
  TOKEN as SLACK_TOKEN,
  sign,
  slackFile,
} from "../test/e2e/slack/harness.js";
import { startSlackStandIn } from "../test/e2e/slack/stand-in.js";
import { testConfig } from "../test/helpers/queue.js";
import { size } from "./quick.js";
import { percentile, table } from "./redis.js";
import type { SenderReply, SenderRequest } from "./slack-sender.js";

export const EVENTS = size("BENCH_EVENTS", 50, 5);
export const ROUNDS = size("BENCH_ROUNDS", 3, 1);
/** A round waits this long for every event to be queued (HEIC rounds decode 12 MP photos). */
const ROUND_TIMEOUT_MS = Number(process.env.BENCH_ROUND_TIMEOUT_MS ?? 180_000);
const CHANNEL = "400000000000000001";

/** Limits out of the way: the bench measures acks, not refusals. */
const limits = { perUserInFlight: 100_000, perScopeRate: 1_000_000 };

export type Sample = { ack: number; queued: number };

/** What the k-th event of a round uploads. */
export interface Upload {
  bytes: Buffer;
  name: string;
  /** Its content type as the platform reports it. */
  type: string;
}
export type Uploads = (k: number) => Upload;

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("bench:ack timed out waiting for the adapter");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** When each request's job first exists in Redis, polled every few milliseconds. */
function queueWatch(redis: Redis, prefix: string, requestIds: string[]) {
  const seen = new Map<string, number>();
  return {
    seen,
    async all(): Promise<boolean> {
      const left = requestIds.filter((id) => !seen.has(id));
      if (!left.length) return true;
      const pipeline = redis.pipeline();
      for (const id of left) pipeline.exists(jobKey(prefix, "requests", jobIdFor(id)));
      const found = (await pipeline.exec()) ?? [];
      const now = Date.now();
      for (const [n, id] of left.entries()) if (found[n]?.[1] === 1) seen.set(id, now);
      return seen.size === requestIds.length;
    },
  };
}

export async function discordRounds(redisUrl: string, db: Redis, uploads: Uploads): Promise<Sample[]> {
  const stand = await startDiscordStandIn([CHANNEL]);
  const prefix = `bench-ack-d-${Date.now()}`;
  const config = testConfig({
    redis: { prefix },
    limits,
    discord: { apiBase: stand.api, cdnOrigins: [stand.base] },
  });
  const discord = await startDiscord({ config, secrets: { discordToken: "Bot.bench" }, redisUrl });
  const samples: Sample[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const sent = new Map<string, number>();
      for (let k = 0; k < EVENTS; k++) {
        const id = stand.nextId();
        const up = uploads(k);
        const att = stand.attachment(stand.nextId(), up.name, up.bytes, up.type);
        const user = stand.user(`5${String(k).padStart(17, "0")}`, `user${k}`);
        sent.set(id, Date.now());
        stand.dispatch(
          "INTERACTION_CREATE",
          slashCommand({
            id,
            channel: CHANNEL,
            name: "describe",
            user,
            options: [{ name: "image", type: 11, value: att.id }],
            attachments: { [att.id]: att },
          }),
        );
      }
      const acked = (id: string) => stand.requests.find((r) => r.path.startsWith(`/interactions/${id}/`));
      const queued = queueWatch(
        db,
        prefix,
        [...sent.keys()].map((id) => `discord:${id}`),
      );
      await until(
        async () => (await queued.all()) && [...sent.keys()].every((id) => acked(id)),
        ROUND_TIMEOUT_MS,
      );
      // Round 0 warms up connections, scripts and the JIT; it is not counted.
      if (round > 0)
        for (const [id, at] of sent)
          samples.push({
            ack: (acked(id)?.at ?? 0) - at,
            queued: (queued.seen.get(`discord:${id}`) ?? 0) - at,
          });
    }
  } finally {
    await discord.close();
    await stand.close();
  }
  return samples;
}

export async function slackRounds(redisUrl: string, db: Redis, uploads: Uploads): Promise<Sample[]> {
  const api = await startSlackStandIn(SLACK_TOKEN);
  const prefix = `bench-ack-s-${Date.now()}`;
  const config = testConfig({
    redis: { prefix },
    limits,
    slack: { apiUrl: api.apiUrl, fileOrigins: [api.url] },
  });
  const slack = await startSlack({
    config,
    secrets: { slackBotToken: SLACK_TOKEN, slackSigningSecret: SLACK_SECRET },
    redisUrl,
    port: 0,
  });
  const url = `http://127.0.0.1:${slack.port}/slack/events`;
  const sender = startSender();
  const samples: Sample[] = [];
  let n = 0;
  const event = (k: number) => {
    const id = `F${++n}`;
    const up = uploads(k);
    api.files.set(id, up.bytes);
    const ts = `1700000000.${String(n).padStart(6, "0")}`;
    const body = JSON.stringify(
      mentionEvent(`Ev${n}`, "C1", ts, [slackUpload(api.url, id, up)], "<@UBOT> describe this", {
        user: `U${k}`,
      }),
    );
    return { id: `slack:Ev${n}`, body, headers: { "content-type": "application/json", ...sign(body) } };
  };
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const events = Array.from({ length: EVENTS }, (_, k) => event(k));
      const sentAt = Date.now();
      const { results } = await sender.send({ url, events });
      const refused = results.find((r) => r.status !== 200);
      if (refused) throw new Error(`Slack event answered ${refused.status}`);
      const queued = queueWatch(
        db,
        prefix,
        results.map((r) => r.id),
      );
      await until(() => queued.all(), ROUND_TIMEOUT_MS);
      if (round > 0)
        for (const r of results) samples.push({ ack: r.ms, queued: (queued.seen.get(r.id) ?? 0) - sentAt });
    }
  } finally {
    sender.close();
    await slack.close();
    await api.close();
  }
  return samples;
}

/** The Slack sender process (slack-sender.ts), one round at a time. */
function startSender() {
  const child = fork(fileURLToPath(new URL("./slack-sender.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
  });
  return {
    send: (req: SenderRequest) =>
      new Promise<SenderReply>((resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`the Slack sender exited (${code})`));
        child.once("exit", exited);
        child.once("message", (m) => {
          child.off("exit", exited);
          resolve(m as SenderReply);
        });
        child.send(req);
      }),
    close: () => child.kill(),
  };
}

/** A Slack file as Slack describes the upload (its type from the file's own extension). */
function slackUpload(host: string, id: string, up: Upload) {
  const filetype = up.name.split(".").pop()?.toLowerCase() ?? "png";
  return { ...slackFile(host, id, up.name), mimetype: up.type, filetype };
}

/** Ack and queued percentiles per adapter, against the 100 ms goal. */
export function ackTable(discord: Sample[], slack: Sample[]): string {
  const row = (name: string, s: Sample[]) => {
    const acks = s.map((x) => x.ack);
    const queued = s.map((x) => x.queued);
    const ms = (v: number) => v.toFixed(0);
    return [
      name,
      ms(percentile(acks, 50)),
      ms(percentile(acks, 99)),
      ms(Math.max(...acks)),
      ms(percentile(queued, 50)),
      ms(percentile(queued, 99)),
      percentile(acks, 99) < 100 ? "met" : "MISSED",
    ];
  };
  return table([
    [
      "adapter",
      "ack p50 ms",
      "ack p99 ms",
      "ack max ms",
      "queued p50 ms",
      "queued p99 ms",
      "goal p99 < 100 ms",
    ],
    row("Discord interaction → deferReply callback", discord),
    row("Slack event → HTTP 200 (Bolt)", slack),
  ]);
}
