import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../../src/config/schema.js";
import { edit } from "../../../src/skills/edit/index.js";
import { preparePostImage } from "../../../src/skills/post/image.js";
import { PRESETS } from "../../../src/skills/post/presets.js";
import type { SkillContext } from "../../../src/skills/skill.js";
import { closeVision } from "../../../src/skills/vision/load.js";
import { subjectFinder } from "../../../src/skills/vision/matte.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { SCENE, sceneImage, visionConfig } from "../../helpers/shapes.js";

// The edits that need the subject, on the generated MODNet test model through transformers.js.
let config: Config;
beforeAll(async () => {
  config = await visionConfig();
});
afterAll(closeVision);

async function runEdit(words: string, image = sceneImage()) {
  const ctx: SkillContext = {
    images: [await image],
    text: words,
    model: scriptedModel([]),
    config,
    signal: new AbortController().signal,
  };
  const result = await edit.run(ctx, edit.params.parse({ edits: words }));
  const out = result.images[0];
  if (!out) throw new Error("no image");
  const { data, info } = await sharp(out.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const px = (x: number, y: number) => [
    ...data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4),
  ];
  return { result, out, info, px };
}

describe("edits that understand the photo", () => {
  it("removes the background: a transparent PNG, shapes kept opaque", async () => {
    const { result, out, px } = await runEdit("remove the background");
    expect(result.text).toBe("Done: background removed.");
    expect(out.mime).toBe("image/png");
    expect(px(2, 2)[3]).toBe(0);
    expect(px(120, 110)).toEqual([255, 0, 0, 255]);
    expect(px(350, 220)).toEqual([0, 0, 255, 255]);
  });

  it("chains a cut-out with a crop to the subject at 4:5", async () => {
    const { result, info, px } = await runEdit("cutout + crop subject 4:5");
    expect(result.text).toBe("Done: background removed, then cropped to the subject at 4:5.");
    expect(info.width / info.height).toBeCloseTo(0.8, 2);
    expect(px(0, 0)[3]).toBe(0);
  });

  it("crops tight around the subject, keeping every shape", async () => {
    const { info, px } = await runEdit("crop to the subject", sceneImage(SCENE.slice(0, 1)));
    // The red square is 120 px; the crop adds a small margin and nothing else.
    expect(info.width).toBeGreaterThanOrEqual(120);
    expect(info.width).toBeLessThan(140);
    const [r = 0, g = 255, b = 255] = px(Math.round(info.width / 2), Math.round(info.height / 2));
    expect([r > 240, g < 15, b < 15]).toEqual([true, true, true]);
  });

  it("puts the subject on a colour, or on a blurred copy of the photo", async () => {
    const black = await runEdit("black background");
    expect(black.out.mime).toBe("image/jpeg");
    expect(
      black
        .px(2, 2)
        .slice(0, 3)
        .every((v) => v < 20),
    ).toBe(true);
    expect(black.px(120, 110)[0]).toBeGreaterThan(230);

    const blurred = await runEdit("blur the background");
    // Just outside the red square the blurred background carries its colour; inside it stays sharp.
    const [r, g, b] = blurred.px(184, 110);
    expect(r).toBeGreaterThan(240);
    expect(Math.max(g ?? 255, b ?? 255)).toBeLessThan(235);
    const inside = blurred.px(176, 110);
    expect(inside[0]).toBeGreaterThan(230);
    expect(Math.max(inside[1] ?? 255, inside[2] ?? 255)).toBeLessThan(30);
  });
});

describe("a post's crop keeps the subject", () => {
  it("an instagram-story from a wide photo keeps the whole subject box at its edge", async () => {
    // 1200×400, the subject (a dark square) at the right edge, and at the left a skin-toned patch
    // close enough to the background's grey that the background remover leaves it out, but which
    // sharp's attention heuristic (skin, saturation) would crop to.
    const subject = {
      name: "black square",
      colour: "#202020",
      kind: "square" as const,
      box: [1080, 150, 1180, 250] as [number, number, number, number],
    };
    const decoy = {
      name: "decoy",
      colour: "#e6c3ab",
      kind: "rectangle" as const,
      box: [40, 60, 400, 340] as [number, number, number, number],
    };
    const wide = await sceneImage([decoy, subject], { width: 1200, height: 400, background: "#d8d8d8" });
    const preset = PRESETS["instagram-story"];
    const post = await preparePostImage(wide.bytes, preset, {}, subjectFinder(config));
    const { data, info } = await sharp(post.bytes).raw().toBuffer({ resolveWithObject: true });
    let dark = 0;
    let minX = info.width;
    let maxX = 0;
    for (let i = 0; i < info.width * info.height; i++) {
      if (Math.max(data[i * 3] ?? 255, data[i * 3 + 1] ?? 255, data[i * 3 + 2] ?? 255) < 60) {
        dark++;
        const x = i % info.width;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
      }
    }
    // The crop is 400 px of height scaled to the story's height: the whole 100×100 square, scaled.
    const scale = info.height / 400;
    expect(dark).toBeGreaterThan(0.95 * (100 * scale) ** 2);
    expect(minX).toBeGreaterThan(0);
    expect(maxX).toBeLessThan(info.width - 1);
  });
});
