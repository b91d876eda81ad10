import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodedError } from "../../../src/errors.js";
import { edit } from "../../../src/skills/edit/index.js";
import { OPERATION_LINES } from "../../../src/skills/edit/model.js";
import { editOpSchema } from "../../../src/skills/edit/schema.js";
import type { SkillContext } from "../../../src/skills/skill.js";
import { startA1111 } from "../../helpers/a1111.js";
import { asModelImage, colourPhoto } from "../../helpers/images.js";
import { testConfig } from "../../helpers/queue.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

// The model second: what the reader cannot place goes to the model, whose strict JSON answer is
// applied whole or refused whole.

let photo: Awaited<ReturnType<typeof asModelImage>>;

beforeAll(async () => {
  photo = await asModelImage(await colourPhoto("blue", 160, 120));
});

function context(turns: string[], config = testConfig()) {
  const model = scriptedModel(turns);
  const ctx: SkillContext = {
    images: [photo],
    text: "",
    model,
    config,
    signal: new AbortController().signal,
  };
  return { ctx, model };
}

async function run(edits: string, turns: string[], config = testConfig()) {
  const { ctx, model } = context(turns, config);
  const outcome = await edit.run(ctx, edit.params.parse({ edits })).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error: error as CodedError }),
  );
  return { ...outcome, model };
}

async function size(bytes: Buffer | undefined) {
  const meta = await sharp(bytes).metadata();
  return [meta.width, meta.height];
}

describe("the edit skill's model fallback", () => {
  it("never asks the model when the reader places everything", async () => {
    const { result, model } = await run("make it warmer and crop it square", ["unused"]);
    expect(model.requests).toHaveLength(0);
    expect(result?.text).toBe("Done: warmer by 20 %, then cropped to 1:1.");
    expect(await size(result?.images?.[0]?.bytes)).toEqual([120, 120]);
  });

  it("applies a valid JSON answer where the unplaced words stood, and says so in order", async () => {
    const answer = '{"operations": [{"op": "enhance"}, {"op": "crop", "aspect": "4:5"}], "generate": ""}';
    const { result, model } = await run("brighter and make it better for my boss, then mirror it", [answer]);
    expect(model.requests).toHaveLength(1);
    const prompt = model.requests[0]?.messages[0]?.content ?? "";
    // Only the words the reader could not place, with the photo, the operations and the form.
    expect(prompt).toMatch(/Request: make it better for my boss$/);
    expect(prompt).toContain('{"op":"straighten","degrees":D}');
    expect(prompt).toContain('{"operations": [...], "generate": "", "unknown": ""}');
    expect(model.requests[0]?.images).toHaveLength(1);
    expect(result?.text).toBe("Done: brighter by 20 %, then enhanced, then cropped to 4:5, then mirrored.");
    expect(await size(result?.images?.[0]?.bytes)).toEqual([96, 120]);
  });

  it("takes the answer from a fenced JSON block", async () => {
    const { result } = await run("make it look professional", [
      '```json\n{"operations": [{"op": "contrast", "amount": 15}]}\n```',
    ]);
    expect(result?.text).toBe("Done: more contrast by 15 %.");
  });

  it.each([
    [
      "invalid JSON",
      "Sure! I'd make it brighter and crop it.",
      /I asked the model and it was not valid JSON/,
    ],
    [
      "an unknown operation",
      '{"operations": [{"op": "brightness", "amount": 10}, {"op": "add_hat"}]}',
      /it named an operation I don't have \(“add_hat”\)/,
    ],
    [
      "an out-of-range amount",
      '{"operations": [{"op": "warmth", "amount": 20}, {"op": "brightness", "amount": 250}]}',
      /it asked for brightness out of range: amounts go from 1 to 100 %/,
    ],
    [
      "a turn that is not a quarter",
      '{"operations": [{"op": "rotate", "degrees": 45}]}',
      /it asked for rotate out of range/,
    ],
    [
      "a key nobody asked for",
      '{"operations": [{"op": "sepia", "strength": 3}]}',
      /it asked for sepia out of range/,
    ],
    ["no operations list", '{"edits": ["brighter"]}', /it was not in the agreed form/],
  ])("refuses %s whole: no image, one sentence", async (_what, answer, why) => {
    const { result, error } = await run("warmer and make it better for my boss", [answer]);
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(CodedError);
    expect(error?.userFacing).toBe(true);
    expect(error?.message).toMatch(why);
    expect(error?.message).toMatch(
      /^I couldn't turn “make it better for my boss” into edits I can make \(.*\), so I left the photo unchanged\.$/,
    );
    expect(error?.message.split(/[.!?](?:\s|$)/).filter(Boolean)).toHaveLength(1);
  });

  it("says plainly what stays unknown and does the rest", async () => {
    const answer = '{"operations": [], "unknown": "make it smell nice"}';
    const { result } = await run("make it warmer and crop it square and make it smell nice", [answer]);
    expect(result?.text).toBe(
      "Done: warmer by 20 %, then cropped to 1:1. I didn't know how to do “make it smell nice”, so I left that out.",
    );
  });

  it("a generative part, without an image backend, is named as not done: 'I can't add a hat …'", async () => {
    const { result, model } = await run("make it warmer, crop it square and add a hat", ["unused"]);
    expect(model.requests).toHaveLength(0);
    expect(result?.text).toBe(
      "Done: warmer by 20 %, then cropped to 1:1. I can't add a hat without an image-generation backend.",
    );
    // A generative part the model found is said the same way.
    const viaModel = await run("warmer and dress him up for a wedding", [
      '{"operations": [], "generate": "put a suit and tie on him"}',
    ]);
    expect(viaModel.result?.text).toBe(
      "Done: warmer by 20 %. I can't put a suit and tie on him without an image-generation backend.",
    );
  });

  it("only a generative request without a generator, or a background one without its tool model: one sentence, no image", async () => {
    const hat = await run("add a hat", ["unused"]);
    expect(hat.error?.message).toBe("I can't add a hat without an image-generation backend.");
    const missing = testConfig({ tools: { cutout: { model: "./no-such-cutout-model" } } });
    for (const words of ["remove the background", "blur the background", "crop to the subject"]) {
      const { error, model } = await run(words, ["unused"], missing);
      expect(error?.message).toMatch(
        /^The cutout tool's model is not available: .*no-such-cutout-model is not a complete transformers\.js model folder/,
      );
      expect(model.requests).toHaveLength(0);
    }
  });

  it("/edit with no text lists what it can do", async () => {
    const { error } = await run("", []);
    expect(error?.message).toMatch(/^Tell me the edits in plain words/);
    for (const word of [
      "warmer",
      "black and white",
      "rotate",
      "mirror",
      "straighten",
      "crop square",
      "vignette",
    ])
      expect(error?.message).toContain(word);
  });

  it("offers the model every operation the schema has", () => {
    const names = editOpSchema.options.map((o) => o.shape.op.value).sort();
    expect(Object.keys(OPERATION_LINES).sort()).toEqual(names);
  });
});

describe("the edit skill with an image-generation backend", () => {
  let a1111: Awaited<ReturnType<typeof startA1111>>;
  const withBackend = () =>
    testConfig({
      imagegen: { backend: "a1111", url: a1111.url, timeoutMs: 10_000, width: 512, height: 512 },
    });

  beforeAll(async () => {
    a1111 = await startA1111("#20c040");
  });
  afterAll(() => a1111?.close());

  it("sends the generative part to the generator's instruction edit, then applies the rest to its image", async () => {
    const before = a1111.seen.length;
    const { result } = await run("add a hat and crop it square", ["unused"], withBackend());
    const asked = a1111.seen.slice(before);
    expect(asked.map((s) => s.path)).toEqual(["/sdapi/v1/img2img"]);
    expect(String(asked[0]?.body.prompt)).toContain("add a hat");
    expect(result?.text).toMatch(
      /^Done: generated edit \(a1111, seed \d+\): “add a hat”, then cropped to 1:1\.$/,
    );
    // The generator's green 64×48, cropped square: not the user's blue photo.
    const out = result?.images?.[0]?.bytes;
    expect(await size(out)).toEqual([48, 48]);
    const [r, g, b] = (await sharp(out).stats()).channels.map((c) => c.mean);
    expect(g).toBeGreaterThan((r ?? 0) + 80);
    expect(g).toBeGreaterThan((b ?? 0) + 80);
  });

  it("does background edits with the background remover, not the generator", async () => {
    const before = a1111.seen.length;
    const config = testConfig({
      imagegen: { backend: "a1111", url: a1111.url, timeoutMs: 10_000, width: 512, height: 512 },
      tools: { cutout: { model: await tinyModelDir("modnet") } },
    });
    const { result } = await run("remove the background", [], config);
    expect(a1111.seen.slice(before)).toEqual([]);
    expect(result?.text).toBe("Done: background removed.");
    expect(result?.images[0]?.mime).toBe("image/png");
  });
});
