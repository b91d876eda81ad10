/**
 * npm run bench:stream — how soon people see an answer being written. A model that emits 20
 * tokens a second for 10 s answers /ask through the real queue and engine, delivered by the
 * real adapters: discord.js and Bolt against the stand-ins, and the playground's SSE stream. For
 * each adapter: the time from the model's first token to the first partial text the platform
 * receives (the stand-in's edit request, the browser's SSE event), p50 and p99, and edits per
 * answer. The baseline in the same run is what users had before streaming: the first text they
 * saw was the finished answer. Goal: first visible text under 1.2 s after the first token.
 */
import { startDiscord } from "../src/bots/discord/index.js";
import { startSlack } from "../src/bots/slack/index.js";
import { startWeb } from "../src/bots/web/index.js";
import type { GenerateRequest, GenerateResult, ModelPort } from "../src/core/model-port.js";
import { createEngine } from "../src/engine/engine.js";
import { startEngineWorker } from "../src/engine/worker.js";
import { slashCommand } from "../test/e2e/discord/payloads.js";
import { startDiscordStandIn } from "../test/e2e/discord/stand-in.js";
import { mentionEvent, SECRET, sendSigned, slackFile, TOKEN } from "../test/e2e/slack/harness.js";
import { startSlackStandIn } from "../test/e2e/slack/stand-in.js";
import { colourPhoto } from "../test/helpers/images.js";
import { testConfig } from "../test/helpers/queue.js";
import { size } from "./quick.js";
import { benchRedis, percentile, table } from "./redis.js";

const TOKENS_PER_S = size("BENCH_TOKENS_PER_S", 20, 20);
const SECONDS = size("BENCH_SECONDS", 10, 1);
const ANSWERS = size("BENCH_ANSWERS", 5, 1); // per adapter per round, all at once
const ROUNDS = size("BENCH_ROUNDS", 2, 1);
const CHANNEL = "400000000000000001";
const GOAL_MS = 1200;

/** Each answer is tagged by the question it was asked, so the model's clock meets the platform's. */
interface Answer {
  firstToken?: number;
  firstVisible?: number;
  final?: number;
  partials: number;
}
const answers = new Map<string, Answer>();
const answer = (tag: string): Answer => {
  const a = answers.get(tag) ?? { partials: 0 };
  answers.set(tag, a);
  return a;
};

/** Writes "t1 t2 …" at a steady pace, as a real backend streams, noting when its first token left. */
const pacedModel: ModelPort = {
  id: "bench-paced",
  async load() {},
  async dispose() {},
  async generate(r: GenerateRequest): Promise<GenerateResult> {
    const tag = /q-[a-z]-\d+-\d+/.exec(r.messages.map((m) => m.content).join("\n"))?.[0] ?? "untagged";
    const total = TOKENS_PER_S * SECONDS;
    let text = "";
    for (let i = 1; i <= total && !r.signal?.aborted; i++) {
      const piece = `${i === 1 ? "" : " "}t${i}`;
      text += piece;
      if (i === 1) answer(tag).firstToken = Date.now();
      r.onToken?.(piece);
      await new Promise((res) => setTimeout(res, 1000 / TOKENS_PER_S));
    }
    return { text, promptTokens: 10, completionTokens: total, finishReason: "stop" };
  },
};

const isPartial = (text: unknown) => typeof text === "string" && text.startsWith("t1") && text.endsWith("▌");

async function main() {
  const redis = await benchRedis();
  const photo = await colourPhoto("blue", 320, 240);
  const discordStand = await startDiscordStandIn([CHANNEL]);
  const slackStand = await startSlackStandIn(TOKEN);
  slackStand.files.set("FPHOTO", photo);
  const config = testConfig({
    redis: { prefix: `bench-stream-${Date.now()}` },
    engine: { concurrency: ANSWERS * 3, jobTimeoutMs: (SECONDS + 30) * 1000 },
    limits: { perUserInFlight: 1000, perScopeRate: 100_000 },
    discord: { apiBase: discordStand.api, cdnOrigins: [discordStand.base] },
    slack: { apiUrl: slackStand.apiUrl, fileOrigins: [slackStand.url] },
    web: { host: "127.0.0.1", port: 0 },
  });
  const engine = await createEngine({ config, secrets: {}, model: pacedModel });
  const worker = startEngineWorker({ redisUrl: redis.url, prefix: config.redis.prefix, config, engine });
  const discord = await startDiscord({ config, secrets: { discordToken: "Bot.bench" }, redisUrl: redis.url });
  const slack = await startSlack({
    config,
    secrets: { slackBotToken: TOKEN, slackSigningSecret: SECRET },
    redisUrl: redis.url,
    port: 0,
  });
  const web = await startWeb({ config, secrets: {}, redisUrl: redis.url });
  const slackBase = `http://127.0.0.1:${slack.port}`;

  // The playground's side: one browser session reading the SSE stream.
  // The server issues the session (a cookie), as a browser would get it from the page.
  const page = await fetch(`${web.url}/`);
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const webTags = new Map<string, string>();
  const sse = await fetch(`${web.url}/api/events`, { headers: { cookie } });
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of sse.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (!line.startsWith("data: ")) continue;
        const e = JSON.parse(line.slice(6)) as { type: string; requestId?: string; text?: string };
        const tag = webTags.get(
          e.requestId ?? (e as { delivery?: { requestId: string } }).delivery?.requestId ?? "",
        );
        if (!tag) continue;
        const a = answer(tag);
        if (e.type === "progress" && e.text?.startsWith("t1")) {
          a.partials++;
          a.firstVisible ??= Date.now();
        }
        if (e.type === "delivery") a.final = Date.now();
      }
    }
  })().catch(() => undefined);

  // The platforms' side: every edit the stand-ins receive, matched to its answer.
  const discordTags = new Map<string, string>(); // interaction token → tag
  const slackTags = new Map<string, string>(); // mention ts → tag, then placeholder ts → tag
  const seen = { discord: 0, slack: 0 };
  const watch = setInterval(() => {
    for (const r of discordStand.requests.slice(seen.discord)) {
      const tag = discordTags.get(/\/webhooks\/\d+\/([^/]+)\/messages/.exec(r.path)?.[1] ?? "");
      if (!tag || r.method !== "PATCH") continue;
      const a = answer(tag);
      const content = r.json?.content;
      if (isPartial(content)) {
        a.partials++;
        a.firstVisible ??= r.at;
      } else if (typeof content === "string" && content.startsWith("t1")) a.final = r.at;
    }
    seen.discord = discordStand.requests.length;
    for (const c of slackStand.calls.slice(seen.slack)) {
      if (c.method === "chat.postMessage" && typeof c.args.thread_ts === "string") {
        const tag = slackTags.get(c.args.thread_ts);
        const ts = [...slackStand.posted.values()].find(
          (m) => m.thread_ts === c.args.thread_ts && m.channel === c.args.channel,
        )?.ts;
        if (tag && ts) slackTags.set(ts, tag);
      }
      if (c.method !== "chat.update") continue;
      const tag = slackTags.get(String(c.args.ts));
      if (!tag) continue;
      const a = answer(tag);
      if (isPartial(c.args.text)) {
        a.partials++;
        a.firstVisible ??= c.at;
      } else if (String(c.args.text).startsWith("t1")) a.final = c.at;
    }
    seen.slack = slackStand.calls.length;
  }, 5);

  const all: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const tags: string[] = [];
      for (let k = 0; k < ANSWERS; k++) {
        const d = `q-d-${round}-${k}`;
        const s = `q-s-${round}-${k}`;
        const w = `q-w-${round}-${k}`;
        tags.push(d, s, w);
        const id = discordStand.nextId();
        const att = discordStand.attachment(discordStand.nextId(), "photo.png", photo);
        discordTags.set(`token-${id}`, d);
        discordStand.dispatch(
          "INTERACTION_CREATE",
          slashCommand({
            id,
            channel: CHANNEL,
            name: "ask",
            options: [
              { name: "image", type: 11, value: att.id },
              { name: "question", type: 3, value: d },
            ],
            attachments: { [att.id]: att },
            user: discordStand.user(`5${String(k).padStart(17, "0")}`, `user${k}`),
          }),
        );
        const ts = `${1_800_000_000 + round * 100 + k}.000100`;
        slackTags.set(ts, s);
        void sendSigned(
          slackBase,
          mentionEvent(
            `EvBench${round}-${k}`,
            "CBENCH",
            ts,
            [slackFile(slackStand.url, "FPHOTO", "p.png")],
            `<@UBOT> /ask ${s}`,
            { user: `U${k}` },
          ),
        );
        const form = new FormData();
        form.set("message", `/ask ${w}`);
        form.set("files", new Blob([new Uint8Array(photo)], { type: "image/png" }), "photo.png");
        void fetch(`${web.url}/api/requests`, {
          method: "POST",
          headers: { cookie, origin: web.url },
          body: form,
        })
          .then((r) => r.json() as Promise<{ requestId: string }>)
          .then((r) => webTags.set(r.requestId, w));
      }
      const deadline = Date.now() + (SECONDS + 60) * 1000;
      while (tags.some((t) => answers.get(t)?.final === undefined)) {
        if (Date.now() > deadline)
          throw new Error(
            `bench:stream timed out waiting for ${tags.filter((t) => answers.get(t)?.final === undefined).join(", ")}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
      all.push(...tags);
    }
  } finally {
    clearInterval(watch);
  }

  const rows: (string | number)[][] = [
    [
      "adapter",
      "answers",
      "first token → first partial p50 (ms)",
      "p99 (ms)",
      "edits/answer",
      "before: first text (ms, p50)",
    ],
  ];
  let met = true;
  for (const [name, letter] of [
    ["Discord (interaction reply)", "d"],
    ["Slack (placeholder)", "s"],
    ["Playground (SSE)", "w"],
  ] as const) {
    const mine = all.filter((t) => t.startsWith(`q-${letter}-`)).map((t) => answer(t));
    const visible = mine.map((a) => (a.firstVisible ?? a.final ?? 0) - (a.firstToken ?? 0));
    const before = mine.map((a) => (a.final ?? 0) - (a.firstToken ?? 0));
    const p99 = percentile(visible, 99);
    met &&= p99 < GOAL_MS;
    rows.push([
      name,
      mine.length,
      percentile(visible, 50),
      p99,
      (mine.reduce((n, a) => n + a.partials, 0) / Math.max(1, mine.length)).toFixed(1),
      percentile(before, 50),
    ]);
  }
  console.log(
    `\n${TOKENS_PER_S} tokens/s for ${SECONDS} s, ${ANSWERS} answers per adapter at once, ${ROUNDS} rounds\n`,
  );
  console.log(table(rows));
  console.log(
    `\ngoal: first partial within ${GOAL_MS} ms of the first token (p99): ${met ? "met" : "NOT met"}`,
  );

  sse.body?.cancel().catch(() => undefined);
  await web.close();
  await slack.close();
  await discord.close();
  await worker.close(500);
  await engine.close();
  await discordStand.close();
  await slackStand.close();
  await redis.stop();
}

await main();
