import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { postBundleSchema } from "../../../src/core/jobs.js";
import type { GenerateRequest, ModelPort } from "../../../src/core/model-port.js";
import { closeOcr } from "../../../src/skills/ocr/pool.js";
import { cleanCaption } from "../../../src/skills/post/captions.js";
import { post } from "../../../src/skills/post/index.js";
import { parseVariants } from "../../../src/skills/post/parse.js";
import { PRESETS } from "../../../src/skills/post/presets.js";
import {
  captionOf,
  postStateFrom,
  prepareRefinedImage,
  refinePost,
  textModel,
} from "../../../src/skills/post/refine.js";
import { asModelImage, fixture } from "../../helpers/images.js";
import { testConfig } from "../../helpers/queue.js";
import { tinyModelPort } from "../../helpers/tiny-model.js";

afterAll(closeOcr);

describe("refining a post made by the tiny model", () => {
  it("a platform change runs text-only on the real backend and prepares the stored photo again", async () => {
    const tiny = await tinyModelPort();
    const requests: Omit<GenerateRequest, "signal" | "onToken">[] = [];
    const written: string[] = [];
    const recording: ModelPort = {
      id: tiny.id,
      load: () => tiny.load(),
      dispose: () => tiny.dispose(),
      async generate(r) {
        requests.push({ messages: r.messages, images: r.images });
        const out = await tiny.generate(r);
        written.push(out.text);
        return out;
      },
    };
    try {
      const photo = fixture("frisbee.jpg");
      const config = testConfig();
      const first = await post.run(
        {
          images: [await asModelImage(photo)],
          text: "",
          model: recording,
          config,
          signal: new AbortController().signal,
        },
        { platform: "instagram", tone: "playful", variants: 2, lang: "en" },
      );
      const state = postStateFrom(postBundleSchema.parse(first.data), "blob:cli:1:0");
      const visionPasses = requests.filter((r) => r.images.length > 0).length;

      const refined = await refinePost(
        state,
        { kind: "platform", platform: "x" },
        {
          ask: textModel(recording),
          maxExtraCalls: config.post.maxExtraCalls,
          temperature: config.post.sampleTemperature,
        },
      );
      // Not one more image went to the model.
      expect(requests.filter((r) => r.images.length > 0)).toHaveLength(visionPasses);
      expect(refined.reprepareImage).toBe(true);
      const fromModel = new Set(written.flatMap((w) => parseVariants(w).map(cleanCaption)));
      for (const v of refined.bundle.variants) expect(fromModel).toContain(captionOf(v));

      const image = await prepareRefinedImage(photo, refined.state);
      const meta = await sharp(image.bytes).metadata();
      const [w, h] = PRESETS.x.aspect.split(":").map(Number) as [number, number];
      expect(Math.abs((meta.width ?? 0) - ((meta.height ?? 0) * w) / h)).toBeLessThanOrEqual(1);
      expect(image.bytes.length).toBeLessThanOrEqual(PRESETS.x.maxBytes);
    } finally {
      await tiny.dispose();
    }
  });
});
