/**
 * npm run bench:ack — how fast the real adapters acknowledge platform events under load.
 *
 * Discord: 50 slash commands with an image, dispatched at once through the stand-in's gateway to
 * the real discord.js client; the ack is the interaction callback (deferReply) reaching the
 * stand-in. Slack: 50 signed app_mention events with a file, posted at once to the real Bolt app
 * in HTTP mode; the ack is Bolt's HTTP response to the event. Both adapters then download, check
 * and store each image and submit it, all concurrently, which is the load the acks must not wait
 * behind. "queued" is when the request's job appeared in Redis (polled), for contrast.
 * Goal: ack p99 under 100 ms (Discord and Slack allow 3 s).
 */
import { Redis } from "ioredis";
import { startDiscord } from "../src/bots/discord/index.js";
import { startSlack } from "../src/bots/slack/index.js";
import { jobIdFor, jobKey } from "../src/queue/names.js";
import { slashCommand } from "../test/e2e/discord/payloads.js";
import { startDiscordStandIn } from "../test/e2e/discord/stand-in.js";
import {
  mentionEvent,
  SECRET as SLACK_SECRET,
  TOKEN as SLACK_TOKEN,
  sendSigned,
  slackFile,
} from "../test/e2e/slack/harness.js";
import { startSlackStandIn } from "../test/e2e/slack/stand-in.js";
import { colourPhoto } from "../test/helpers/images.js";
import { testConfig } from "../test/helpers/queue.js";
import { size } from "./quick.js";
import { benchRedis, percentile, table } from "./redis.js";

const EVENTS = size("BENCH_EVENTS", 50, 5);
const ROUNDS = size("BENCH_ROUNDS", 3, 1);
const CHANNEL = "400000000000000001";

/** Limits out of the way: the bench measures acks, not refusals. */
const limits = { perUserInFlight: 100_000, perScopeRate: 1_000_000 };

type Sample = { ack: number; queued: number };

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

async function discordRounds(redisUrl: string, db: Redis, photo: Buffer): Promise<Sample[]> {
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
        const att = stand.attachment(stand.nextId(), "photo.png", photo);
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
      await until(async () => (await queued.all()) && [...sent.keys()].every((id) => acked(id)), 60_000);
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

async function slackRounds(redisUrl: string, db: Redis, photo: Buffer): Promise<Sample[]> {
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
  const base = `http://127.0.0.1:${slack.port}`;
  const samples: Sample[] = [];
  let n = 0;
  const post = async (k: number): Promise<{ requestId: string; sentAt: number; ack: number }> => {
    const id = `F${++n}`;
    api.files.set(id, photo);
    const ts = `1700000000.${String(n).padStart(6, "0")}`;
    const sentAt = Date.now();
    const res = await sendSigned(
      base,
      mentionEvent(`Ev${n}`, "C1", ts, [slackFile(api.url, id, "photo.png")], "<@UBOT> describe this", {
        user: `U${k}`,
      }),
    );
    const ack = res.ms;
    if (res.status !== 200) throw new Error(`Slack event answered ${res.status}`);
    return { requestId: `slack:Ev${n}`, sentAt, ack };
  };
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const events = await Promise.all(Array.from({ length: EVENTS }, (_, k) => post(k)));
      const queued = queueWatch(
        db,
        prefix,
        events.map((e) => e.requestId),
      );
      await until(() => queued.all(), 60_000);
      if (round > 0)
        for (const e of events)
          samples.push({ ack: e.ack, queued: (queued.seen.get(e.requestId) ?? 0) - e.sentAt });
    }
  } finally {
    await slack.close();
    await api.close();
  }
  return samples;
}

const redis = await benchRedis();
try {
  const photo = await colourPhoto(
    "blue",
    Number(process.env.BENCH_W ?? 640),
    Number(process.env.BENCH_H ?? 480),
  );
  const db = new Redis(redis.url);
  const discord = await discordRounds(redis.url, db, photo);
  const slack = await slackRounds(redis.url, db, photo);
  db.disconnect();
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
  console.log(
    `bench:ack — ${EVENTS} concurrent events with a 640×480 image per round, ${ROUNDS} rounds after a warm-up (${EVENTS * ROUNDS} samples per adapter); Redis ${redis.url}\n`,
  );
  console.log(
    table([
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
    ]),
  );
} finally {
  await redis.stop();
}
