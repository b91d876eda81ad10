/**
 * npm run bench:soak [-- --minutes N] — a long run (default 10 minutes) of mixed traffic through
 * all three adapters of one `llava-bot start` at once: the real discord.js client and Bolt app
 * against the stand-ins, the playground over HTTP, the engine on the tiny model. Photos up to
 * 48 MP, iPhone HEICs, slash commands, posts refined and approved, OCR, edits, Stop clicks,
 * auto-captions, and bad inputs (truncated, wrong type, pixel bombs). Every 10 s it samples the
 * bot's RSS, heap and event-loop delay and Redis's memory and key count; it prints a table,
 * writes an SVG chart (test-artifacts/soak.svg, or --chart PATH) and checks:
 * every request answered exactly once or refused in one sentence, no error ids in answers, RSS
 * after the first minute growing less than 10 % by the end, Redis keys back to their level after
 * the same warm-up once the TTLs have passed, and the acknowledgement p99 under 100 ms in every
 * minute. Exits non-zero when a check fails.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { tinyModelDir } from "../test/helpers/tiny-model.js";
import { QUICK } from "./quick.js";
import { benchRedis, percentile, table } from "./redis.js";
import { type BotOptions, startBot } from "./soak/bot.js";
import { memoryChart } from "./soak/chart.js";
import { DISCORD_AUTOCAPTION, discordTraffic } from "./soak/discord.js";
import { type Photo, soakPhotos } from "./soak/photos.js";
import { persistentKeys, redisSample } from "./soak/redis-keys.js";
import { SLACK_AUTOCAPTION, SLACK_SECRET, SLACK_TOKEN, slackTraffic } from "./soak/slack.js";
import { judge, type Tracked } from "./soak/track.js";
import { webTraffic } from "./soak/web.js";

const { values } = parseArgs({
  options: { minutes: { type: "string" }, chart: { type: "string" }, quick: { type: "boolean" } },
});
const MINUTES = Number(values.minutes ?? (QUICK ? 0.5 : 10));
const SAMPLE_MS = QUICK ? 3_000 : 10_000;
/** RSS and key counts are compared from the end of this on: start-up and first loads are over. */
const WARMUP_MS = QUICK ? 10_000 : 60_000;
/** Blobs live at least 60 s (the config's floor); a quick run does not wait for them. */
const TTL_S = 60;
const TTL_WAIT_MS = QUICK ? 0 : (TTL_S + 5) * 1000;
/** Requests sent per second, spread over the platforms; at most this many unanswered at once. */
const RATE = QUICK ? 1 : 1.2;
const MAX_OPEN = 10;
const CHART = values.chart ?? "test-artifacts/soak.svg";

const MIX: { platform: "discord" | "slack" | "web"; kind: string; weight: number; bad?: boolean }[] = [
  { platform: "discord", kind: "mention", weight: 4, bad: true },
  { platform: "discord", kind: "describe", weight: 3, bad: true },
  { platform: "discord", kind: "ocr", weight: 1 },
  { platform: "discord", kind: "edit", weight: 1 },
  { platform: "discord", kind: "post", weight: 2 },
  { platform: "discord", kind: "autocaption", weight: 2 },
  { platform: "slack", kind: "mention", weight: 3, bad: true },
  { platform: "slack", kind: "describe", weight: 2 },
  { platform: "slack", kind: "autocaption", weight: 2 },
  { platform: "web", kind: "describe", weight: 2, bad: true },
  { platform: "web", kind: "ask", weight: 1 },
  { platform: "web", kind: "post", weight: 1 },
];

function pick<T>(list: T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T;
}

/** The chart's zero: before the bot starts, so its start-up shows too. */
const t0 = Date.now();
const work = mkdtempSync(join(tmpdir(), "llava-bot-soak-"));
const redis = await benchRedis();
const db = new Redis(redis.url);
const discord = await discordTraffic();
const slack = await slackTraffic();
const photos = await soakPhotos(QUICK ? { bigEdge: 2000 } : {});
const options: BotOptions = {
  dir: work,
  redisUrl: redis.url,
  modelDir: await tinyModelDir("llava"),
  discord: { api: discord.stand.api, cdn: discord.stand.base, autocaption: DISCORD_AUTOCAPTION },
  slack: {
    api: slack.api.apiUrl,
    files: slack.api.url,
    autocaption: SLACK_AUTOCAPTION,
    token: SLACK_TOKEN,
    secret: SLACK_SECRET,
  },
  ttlS: TTL_S,
  probeMs: SAMPLE_MS,
};
const bot = await startBot(options);
slack.connect(bot.slackUrl);
const web = webTraffic(bot.webUrl);
const drivers = { discord, slack, web };

const sent: Tracked[] = [];
const outcome = (t: Tracked) => drivers[t.platform].outcome(t);
const open = () => sent.filter((t) => !outcome(t).done).length;
async function send(entry: (typeof MIX)[number], photo: Photo): Promise<void> {
  try {
    sent.push(await drivers[entry.platform].send(entry.kind, photo));
  } catch (err) {
    console.error(`soak: sending ${entry.platform} ${entry.kind} failed: ${(err as Error).message}`);
  }
}
/** One request of each platform, waited for: the warm-up before the baseline, and the flush at the end. */
async function oneOfEach(): Promise<void> {
  const photo = photos.good[0] as Photo;
  const batch = await Promise.all(
    (["discord", "slack", "web"] as const).map((p) =>
      drivers[p].send(p === "web" ? "describe" : "mention", photo),
    ),
  );
  const deadline = Date.now() + 120_000;
  while (batch.some((t) => !outcome(t).done) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
}

const redisSamples: { at: number; usedMb: number; keys: number }[] = [];
const started = Date.now();
const sampler = setInterval(async () => {
  const s = await redisSample(db).catch(() => undefined);
  if (s) redisSamples.push({ at: Date.now(), ...s });
  const last = bot.samples().bot.at(-1);
  const t = ((Date.now() - started) / 1000).toFixed(0);
  process.stderr.write(
    `soak ${t}s: ${sent.length} sent, ${open()} open, bot RSS ${((last?.rss ?? 0) / 1e6).toFixed(0)} MB, Redis ${s?.keys ?? "?"} keys\n`,
  );
}, SAMPLE_MS);

await oneOfEach();
const baseline = await persistentKeys(db);
const weights = MIX.flatMap((m) => Array.from({ length: m.weight }, () => m));
const endAt = Date.now() + MINUTES * 60_000;
let clicks = 0;
while (Date.now() < endAt) {
  const entry = pick(weights);
  const roll = Math.random();
  const photo =
    entry.bad && roll < 0.15 ? pick(photos.bad) : roll > 0.95 ? photos.big : (pick(photos.good) as Photo);
  if (open() < MAX_OPEN) void send(entry, photo);
  clicks += discord.clickAround(sent);
  await new Promise((r) => setTimeout(r, 1000 / RATE));
}
const trafficEnded = Date.now();
const drainUntil = Date.now() + 180_000;
while (open() > 0 && Date.now() < drainUntil) {
  clicks += discord.clickAround(sent);
  await new Promise((r) => setTimeout(r, 500));
}
// Blobs, conversations and kept jobs outlive the traffic by their TTL; BullMQ removes aged jobs
// when the next job of their queue finishes, so one more request per platform follows the wait.
await new Promise((r) => setTimeout(r, TTL_WAIT_MS));
await oneOfEach();
const final = await persistentKeys(db);
clearInterval(sampler);

const verdict = judge(sent, outcome);
const { bot: botSamples, others } = bot.samples();
const exitCode = await bot.stop();
if (exitCode !== 0) console.error(`llava-bot start exited with ${exitCode}:\n${bot.output().slice(-3000)}`);
web.close();
await discord.close();
await slack.close();
db.disconnect();
await redis.stop();
rmSync(work, { recursive: true, force: true });

// Memory: the median of the samples just after the warm-up against that of the last three.
const mb = (b: number) => b / 1e6;
const after = botSamples.filter((s) => s.at >= started + WARMUP_MS && s.at <= trafficEnded);
const early = percentile(
  after.slice(0, 3).map((s) => s.rss),
  50,
);
const late = percentile(
  after.slice(-3).map((s) => s.rss),
  50,
);
const growth = early > 0 ? (late - early) / early : 0;
// Acknowledgements: Discord's callbacks and Slack's HTTP 200s, p99 in each minute of traffic.
const acks = sent.flatMap((t) => {
  const ms = t.platform === "discord" ? discord.ackMs(t) : t.ackMs;
  return ms === undefined || t.platform === "web" ? [] : [{ at: t.sentAt, ms }];
});
const minutes = Math.max(1, Math.ceil((trafficEnded - started) / 60_000));
const perMinute = Array.from({ length: minutes }, (_, m) =>
  acks.filter((a) => a.at >= started + m * 60_000 && a.at < started + (m + 1) * 60_000).map((a) => a.ms),
).filter((l) => l.length > 0);
const worstAckP99 = Math.max(0, ...perMinute.map((l) => percentile(l, 99)));
const delay = Math.max(0, ...botSamples.map((s) => s.delayP99Ms));

console.log(
  `bench:soak — ${MINUTES} min of mixed traffic through Discord, Slack and the playground at once (${sent.length} requests, ${clicks} clicks), one llava-bot start on the tiny model; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores\n`,
);
const rows = botSamples.map((s) => {
  const r = redisSamples.find((x) => x.at >= s.at) ?? redisSamples.at(-1);
  return [
    ((s.at - t0) / 60_000).toFixed(1),
    mb(s.rss).toFixed(0),
    mb(s.heapUsed).toFixed(0),
    mb(s.external).toFixed(0),
    s.delayP99Ms.toFixed(0),
    // The HEIC decoder, while it runs (it goes when idle).
    mb(others.filter((o) => Math.abs(o.at - s.at) < SAMPLE_MS / 2).reduce((n, o) => n + o.rss, 0)).toFixed(0),
    (r?.usedMb ?? 0).toFixed(1),
    String(r?.keys ?? "—"),
  ];
});
console.log(
  table([
    [
      "minute",
      "bot RSS MB",
      "heap MB",
      "external MB",
      "loop delay p99 ms",
      "decoder RSS MB",
      "Redis MB",
      "Redis keys",
    ],
    ...rows,
  ]),
);
const check = (ok: boolean) => (ok ? "met" : "MISSED");
const checks: [string, string, boolean][] = [
  [
    "every request answered exactly once",
    `${verdict.answered}/${verdict.sent} answered, ${verdict.unanswered.length} unanswered, ${verdict.twice.length} twice`,
    verdict.unanswered.length === 0 && verdict.twice.length === 0,
  ],
  [
    "bad inputs refused in one sentence",
    `${verdict.badAnsweredAsPhoto.length} not`,
    verdict.badAnsweredAsPhoto.length === 0,
  ],
  ["no error ids in answers", `${verdict.withErrorIds.length} with`, verdict.withErrorIds.length === 0],
  [
    "RSS growth after the first minute < 10 %",
    `${mb(early).toFixed(0)} → ${mb(late).toFixed(0)} MB (${(growth * 100).toFixed(1)} %)`,
    growth < 0.1,
  ],
  [
    "Redis keys without a TTL back to the warm-up level once TTLs passed",
    `${baseline.count} after warm-up, ${final.count} at the end`,
    final.count <= Math.ceil(baseline.count * 1.1) + 2,
  ],
  [
    "ack p99 < 100 ms in every minute",
    `worst minute ${worstAckP99.toFixed(0)} ms (${acks.length} acks)`,
    worstAckP99 < 100,
  ],
  [
    "bot stopped cleanly",
    `exit code ${exitCode}; worst loop delay p99 ${delay.toFixed(0)} ms`,
    exitCode === 0,
  ],
];
console.log(
  `\n${table([["check", "measured", "result"], ...checks.map(([a, b, ok]) => [a, b, check(ok)])])}`,
);
for (const t of [
  ...verdict.unanswered,
  ...verdict.twice,
  ...verdict.withErrorIds,
  ...verdict.badAnsweredAsPhoto,
].slice(0, 10))
  console.log(
    `  ${t.platform} ${t.kind}${t.bad ? " (bad input)" : ""} ${t.key}: ${JSON.stringify(outcome(t))}`,
  );

// What the bot logged (warnings and errors) says why a request went unanswered.
if (verdict.unanswered.length || verdict.twice.length || verdict.withErrorIds.length)
  for (const line of bot
    .output()
    .split("\n")
    .filter((l) => /"level":(40|50|60)/.test(l))
    .slice(-20))
    console.log(`  log: ${line.slice(0, 400)}`);

for (const [shape, n] of final.shapes)
  if (n > (baseline.shapes.get(shape) ?? 0))
    console.log(`  keys ${shape}: ${baseline.shapes.get(shape) ?? 0} → ${n}`);

mkdirSync(dirname(CHART), { recursive: true });
const at = (ms: number) => (ms - t0) / 1000;
writeFileSync(
  CHART,
  memoryChart(
    `llava-bot soak: ${MINUTES} min, ${sent.length} requests`,
    [
      { name: "bot RSS", colour: "#1f77b4", points: botSamples.map((s) => [at(s.at), mb(s.rss)]) },
      { name: "bot heap used", colour: "#2ca02c", points: botSamples.map((s) => [at(s.at), mb(s.heapUsed)]) },
      { name: "Redis used memory", colour: "#d62728", points: redisSamples.map((s) => [at(s.at), s.usedMb]) },
    ],
    [
      { at: at(started), label: "traffic starts" },
      { at: at(started + WARMUP_MS), label: "warm-up ends" },
      { at: at(trafficEnded), label: "traffic ends" },
    ],
  ),
);
console.log(`\nchart: ${CHART}`);
// A quick run only shows that the bench works; its checks mean nothing.
if (!QUICK && checks.some(([, , ok]) => !ok)) process.exitCode = 1;
