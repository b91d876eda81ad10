/**
 * npm run bench:engine — the tiny model on a 12-megapixel JPEG: image decode + preprocess with
 * sharp shrink-on-load vs handing the full image to the processor; prefill and decode speed; and
 * the engine's overhead over calling transformers.js directly, measured side by side in one run.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutoModelForImageTextToText, AutoProcessor, RawImage } from "@huggingface/transformers";
import sharp from "sharp";
import { createEngine } from "../src/engine/engine.js";
import { createTransformersModel } from "../src/engine/model/transformers.js";
import { loadImage } from "../src/images/load.js";
import { toRawImage } from "../src/images/raw-image.js";
import { noisyPhoto } from "../test/helpers/images.js";
import { testConfig } from "../test/helpers/queue.js";
import { makeTestModel } from "../tools/tiny-model/index.js";
import { QUICK, size } from "./quick.js";
import { median, table } from "./redis.js";

const RUNS = size("BENCH_RUNS", 200, 2);
/** Runs of the preprocessing and of the prefill/decode timings. */
const SHORT = QUICK ? 1 : 5;
const TIMINGS = QUICK ? 2 : 50;
const dir = mkdtempSync(join(tmpdir(), "llava-bot-bench-model-"));
makeTestModel(dir);

// A realistic 12 MP photo: noise compresses like detail does.
const photo = await noisyPhoto({
  width: 4000,
  height: 3000,
  background: "#808080",
  mean: 128,
  sigma: 40,
  quality: 88,
});

async function time<T>(fn: () => Promise<T>, n: number): Promise<{ ms: number[]; last: T }> {
  const ms: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  return { ms, last: last as T };
}

type Processor = (image: RawImage, text?: string) => Promise<Record<string, unknown>>;
const processor = (await AutoProcessor.from_pretrained(dir, {
  local_files_only: true,
})) as unknown as Processor & {
  tokenizer: (text: string) => Record<string, unknown>;
  image_processor: (image: RawImage) => Promise<Record<string, unknown>>;
};
const prompt = "USER: <image>\nWhat colour is it? ASSISTANT:";

const shrink = await time(async () => {
  const img = await loadImage(photo, { maxBytes: 50e6, maxPixels: 50e6, maxEdge: 1536 });
  return processor(await toRawImage(img), prompt);
}, SHORT);
const full = await time(async () => {
  const { data, info } = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
  return processor(new RawImage(new Uint8ClampedArray(data), info.width, info.height, 3), prompt);
}, SHORT);

// Direct transformers.js vs the engine, same image, same question, interleaved to share noise.
const model = (await AutoModelForImageTextToText.from_pretrained(dir, {
  local_files_only: true,
  dtype: "fp32",
} as never)) as unknown as {
  config: { image_seq_length: number };
  generate(a: Record<string, unknown>): Promise<unknown>;
};
// transformers.js's LlavaProcessor writes one image token more than LLaVA-1.5's "default"
// feature strategy yields (it keeps the CLS slot), and generate() then refuses the mismatch. So
// the direct path expands the placeholder itself to the model's image_seq_length, as a user of
// transformers.js must; the engine does the same by measuring the encoder's output.
const directPrompt = prompt.replace("<image>", "<image>".repeat(model.config.image_seq_length));
const small = await loadImage(photo, { maxBytes: 50e6, maxPixels: 50e6, maxEdge: 1536 });
const engine = await createEngine({
  config: testConfig({ model: { id: dir } }),
  secrets: {},
  model: createTransformersModel({ id: dir, device: "cpu", dtype: "auto", maxNewTokens: 16, temperature: 0 }),
});
await engine.model.load();
const direct: number[] = [];
const viaEngine: number[] = [];
const prefill: number[] = [];
const decode: { ms: number; tokens: number }[] = [];
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  const pixels = await processor.image_processor(await toRawImage(small));
  await model.generate({ ...pixels, ...processor.tokenizer(directPrompt), max_new_tokens: 16 });
  direct.push(performance.now() - t);
  t = performance.now();
  await engine.run(
    { command: "ask", args: {}, text: "What colour is it?", images: [small], history: [] },
    { signal: new AbortController().signal },
  );
  viaEngine.push(performance.now() - t);
}
for (let i = 0; i < TIMINGS; i++) {
  const r = await engine.model.generate({
    messages: [{ role: "user", content: "What colour is it?", imageCount: 1 }],
    images: [small],
  });
  prefill.push(r.timings?.prefillMs ?? 0);
  decode.push({ ms: r.timings?.decodeMs ?? 0, tokens: Math.max(0, r.completionTokens - 1) });
}
const decodeMs = decode.reduce((a, d) => a + d.ms, 0);
const decodeTokens = decode.reduce((a, d) => a + d.tokens, 0);
const overhead = (median(viaEngine) / median(direct) - 1) * 100;
console.log(
  `bench:engine — tiny model, 12 MP JPEG (${(photo.length / 1e6).toFixed(1)} MB), ${RUNS} runs each\n`,
);
console.log(
  table([
    ["measure", "median ms"],
    ["decode + preprocess, sharp shrink-on-load (1536 px)", median(shrink.ms).toFixed(1)],
    ["decode + preprocess, full image to the processor", median(full.ms).toFixed(1)],
    ["prefill (image + prompt → first token)", median(prefill).toFixed(2)],
    ["transformers.js directly, one answer", median(direct).toFixed(2)],
    ["llava-bot engine, one answer", median(viaEngine).toFixed(2)],
  ]),
);
console.log(
  `\ndecode: ${decodeTokens ? ((decodeTokens / decodeMs) * 1000).toFixed(0) : "n/a"} tokens/s (tokens after the first)`,
);
console.log(`engine overhead over transformers.js: ${overhead.toFixed(1)} % (goal < 3 %)`);
await engine.close();
