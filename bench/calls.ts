/**
 * npm run bench:calls — what each kind of request costs the model: model calls, vision-encoder
 * passes, prefill tokens, decoded tokens and image bytes, for describe, ask, chat (planner, no
 * tool), post and refine. Counted on the generated OneVision model (its processor and encoder have
 * the hub model's shapes, so the counts are real), in-process and through a recording
 * OpenAI-compatible loopback server that runs the same model. Counts, not timings: they do not
 * depend on the machine. `--json` prints the OpenAI path's figures as
 * { "<kind>": { modelCalls, visionPasses, prefillTokens, decodedTokens, imageBytes } }
 * (`--backend transformers` for the in-process ones). bench/calls-baseline.json holds the same
 * figures measured by this bench on the code before issue 30 (commit 72980b4), shown beside.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { PreTrainedModel } from "@huggingface/transformers";
import type { Config } from "../src/config/schema.js";
import { postBundleSchema } from "../src/core/jobs.js";
import type { GenerateRequest, ModelPort } from "../src/core/model-port.js";
import { createEngine } from "../src/engine/engine.js";
import { createOpenAIModel } from "../src/engine/model/openai.js";
import { createTransformersModel } from "../src/engine/model/transformers.js";
import { loadImage } from "../src/images/load.js";
import { postStateFrom, refinePost, textModel } from "../src/skills/post/refine.js";
import { noisyPhoto } from "../test/helpers/images.js";
import { testConfig } from "../test/helpers/queue.js";
import { tinyModelDir } from "../test/helpers/tiny-model.js";
import { QUICK } from "./quick.js";
import { type Recorded, startRecordingServer } from "./recording-server.js";
import { table } from "./redis.js";

const KINDS = ["describe", "ask", "chat", "post", "refine"] as const;
type Kind = (typeof KINDS)[number];
export interface Figures {
  modelCalls: number;
  visionPasses: number;
  prefillTokens: number;
  decodedTokens: number;
  imageBytes: number;
}
type Backend = "transformers" | "openai";
const JSON_OUT = process.argv.includes("--json");
const BACKEND: Backend = process.argv.includes("transformers") ? "transformers" : "openai";
/** Set to a file to write both paths' figures there (how bench/calls-baseline.json was made). */
const RECORD = process.env.BENCH_CALLS_RECORD;
const POST_IMAGE_GOAL = 150_000;
const HUB_IMAGE_TOKENS = 729;
const TINY_IMAGE_TOKENS = 25;
/** The LLaVA-Plus wrapper the planner used to ask for around every answer. */
const WRAPPER = /thoughts🤔|actions🚀|value👉/;

// The vision encoder runs inside transformers.js; every pass goes through encode_image.
let visionPasses = 0;
const proto = PreTrainedModel.prototype as unknown as { encode_image(i: unknown): Promise<unknown> };
const encodeImage = proto.encode_image;
proto.encode_image = function (this: unknown, inputs: unknown) {
  visionPasses++;
  return encodeImage.call(this, inputs);
};

/** The port with a meter: calls, tokens and the images each call carried. */
function metered(port: ModelPort) {
  const calls: {
    images: number;
    imageBytes: number;
    prompt: number;
    decoded: number;
    text: string;
    system: string;
  }[] = [];
  const model: ModelPort = {
    id: port.id,
    load: (p) => port.load(p),
    dispose: () => port.dispose(),
    async generate(request: GenerateRequest) {
      const out = await port.generate(request);
      calls.push({
        images: request.images.length,
        imageBytes: request.images.reduce((n, i) => n + i.bytes.length, 0),
        prompt: out.promptTokens,
        decoded: out.completionTokens,
        text: out.text,
        system: request.messages.find((m) => m.role === "system")?.content ?? "",
      });
      return out;
    },
  };
  return { model, calls };
}

// A noisy photo compresses like a detailed one; the worker shrinks it to model.maxImageEdge first.
const raw = await noisyPhoto({
  // Quick mode: a smaller photo, so OCR (which reads noise slowly) is quick too.
  width: QUICK ? 800 : 3000,
  height: QUICK ? 600 : 2250,
  background: "#c03020",
  mean: 110,
  sigma: 30,
  quality: 90,
});
const dir = await tinyModelDir("onevision");
const config: Config = testConfig({ model: { id: dir } });
const photo = await loadImage(raw, {
  maxBytes: 50e6,
  maxPixels: 50e6,
  maxEdge: config.model.maxImageEdge,
});

interface Measured {
  figures: Record<Kind, Figures>;
  /** Per kind: images handed to the model, summed over its calls (the most passes it may need). */
  imagesSent: Record<Kind, number>;
  chatText: string;
  /** The planner's instructions for a chat turn. */
  chatSystem: string;
}

async function measure(backend: Backend): Promise<Measured> {
  const tiny = createTransformersModel({
    id: dir,
    device: "cpu",
    dtype: "auto",
    maxNewTokens: config.model.maxNewTokens,
    temperature: 0,
  });
  const server = backend === "openai" ? await startRecordingServer(tiny, "bench-onevision") : undefined;
  const port = server
    ? createOpenAIModel({
        baseUrl: server.url,
        model: "bench-onevision",
        timeoutMs: 60_000,
        maxNewTokens: config.model.maxNewTokens,
        temperature: 0,
      })
    : tiny;
  const { model, calls } = metered(port);
  const engine = await createEngine({ config, secrets: {}, model });
  await engine.model.load();
  const signal = new AbortController().signal;
  const figures = {} as Record<Kind, Figures>;
  const imagesSent = {} as Record<Kind, number>;
  let chatText = "";
  let chatSystem = "";
  let bundle: unknown;
  for (const kind of KINDS) {
    const passesBefore = visionPasses;
    const callsBefore = calls.length;
    const recordedBefore = server?.recorded.length ?? 0;
    if (kind === "refine") {
      const post = postBundleSchema.parse(bundle);
      await refinePost(
        postStateFrom(post, "bench-photo"),
        { kind: "regenerate" },
        {
          ask: textModel(model),
          maxExtraCalls: config.post.maxExtraCalls,
          temperature: config.post.sampleTemperature,
        },
      );
    } else {
      const command = kind;
      const text = kind === "ask" || kind === "chat" ? "What colour is the photo?" : "";
      const out = await engine.run(
        {
          command,
          args: kind === "post" ? { platform: "instagram", variants: 3 } : {},
          text,
          images: [photo],
          history: [],
        },
        { signal },
      );
      if (kind === "post") bundle = out.post;
      if (kind === "chat") chatText = out.text;
    }
    const mine = calls.slice(callsBefore);
    if (kind === "chat") chatSystem = mine[0]?.system ?? "";
    const sent: Recorded[] = server?.recorded.slice(recordedBefore) ?? [];
    imagesSent[kind] = mine.reduce((n, c) => n + c.images, 0);
    figures[kind] = {
      modelCalls: mine.length,
      visionPasses: visionPasses - passesBefore,
      prefillTokens: mine.reduce((n, c) => n + c.prompt, 0),
      decodedTokens: mine.reduce((n, c) => n + c.decoded, 0),
      imageBytes: server
        ? sent.reduce((n, r) => n + r.imageBytes, 0)
        : mine.reduce((n, c) => n + c.imageBytes, 0),
    };
  }
  await engine.close();
  await server?.stop();
  return { figures, imagesSent, chatText, chatSystem };
}

const transformers = await measure("transformers");
const openai = await measure("openai");
const now: Record<Backend, Record<Kind, Figures>> = {
  transformers: transformers.figures,
  openai: openai.figures,
};
if (RECORD) writeFileSync(RECORD, `${JSON.stringify(now, null, 2)}\n`);
if (JSON_OUT) {
  console.log(JSON.stringify(now[BACKEND], null, 2));
} else {
  const baseline = JSON.parse(
    readFileSync(new URL("./calls-baseline.json", import.meta.url), "utf8"),
  ) as Record<Backend, Record<Kind, Figures>>;
  const cell = (b: number, n: number) => (b === n ? String(n) : `${b} → ${n}`);
  console.log(
    `bench:calls — generated OneVision model, a ${photo.width}x${photo.height} noisy photo (${(photo.bytes.length / 1e3).toFixed(0)} KB)${QUICK ? " (quick)" : ""}`,
  );
  console.log("figures: before issue 30 (bench/calls-baseline.json) → now\n");
  const rows: (string | number)[][] = [
    ["backend", "kind", "model calls", "vision passes", "prefill tokens", "decoded tokens", "image bytes"],
  ];
  for (const backend of ["transformers", "openai"] as const)
    for (const kind of KINDS) {
      const b = baseline[backend][kind];
      const n = now[backend][kind];
      rows.push([
        backend === "openai" ? "openai server" : "in-process",
        kind,
        cell(b.modelCalls, n.modelCalls),
        cell(b.visionPasses, n.visionPasses),
        cell(b.prefillTokens, n.prefillTokens),
        cell(b.decodedTokens, n.decodedTokens),
        cell(b.imageBytes, n.imageBytes),
      ]);
    }
  console.log(table(rows));
  // The generated model has 25 image tokens per image; the hub OneVision model has 729 (384 px, patch 14).
  const hub = (f: Figures) => f.prefillTokens + f.visionPasses * (HUB_IMAGE_TOKENS - TINY_IMAGE_TOKENS);
  console.log(
    `\nprefill tokens of a post with the hub model's ${HUB_IMAGE_TOKENS} image tokens per vision pass: ${hub(baseline.transformers.post)} → ${hub(now.transformers.post)}`,
  );
  const post = now.openai.post;
  const goals = [
    [`post: at most 1 vision pass`, now.transformers.post.visionPasses <= 1 && post.visionPasses <= 1],
    [
      `post: at most ${POST_IMAGE_GOAL / 1000} KB of images to the OpenAI server`,
      post.imageBytes <= POST_IMAGE_GOAL,
    ],
    [
      "no kind runs the encoder more than once per image per call",
      [transformers, openai].every((m) => KINDS.every((k) => m.figures[k].visionPasses <= m.imagesSent[k])),
    ],
    [
      "chat with no tool decodes no wrapper (none written, none asked for)",
      !WRAPPER.test(transformers.chatText) && !WRAPPER.test(transformers.chatSystem),
    ],
  ] as const;
  console.log("\ngoals:");
  for (const [goal, met] of goals) console.log(`${met ? "met    " : "NOT MET"}  ${goal}`);
}
