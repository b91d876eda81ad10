import { describe, expect, it } from "vitest";
import { featuresFromConfig } from "../../../src/engine/model/image-tokens.js";
import { cutAtStop, isLooping } from "../../../src/engine/model/stopping.js";

const ids = (...xs: number[]) => xs.map(BigInt);

describe("the loop guard", () => {
  it("stops a model that repeats one short run, and not one that merely reuses words", () => {
    expect(isLooping(ids(...Array(12).fill(7)))).toBe(true);
    expect(isLooping(ids(...Array(11).fill(7)))).toBe(false);
    // "the cat sat" three times over: a run of three, repeated four times
    expect(isLooping(ids(1, 2, 5, 6, 7, 5, 6, 7, 5, 6, 7, 5, 6, 7))).toBe(true);
    expect(isLooping(ids(5, 6, 7, 5, 6, 7, 5, 6, 8, 5, 6, 7))).toBe(false);
    // a long sentence said three times
    const sentence = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    expect(isLooping(ids(...sentence, ...sentence, ...sentence))).toBe(true);
    expect(isLooping(ids(...sentence, ...sentence))).toBe(false);
  });

  it("cuts the text at the first stop sequence", () => {
    expect(cutAtStop("A dog.\nAnd more", ["\n", "And"])).toEqual({ text: "A dog.", stopped: true });
    expect(cutAtStop("A dog.", ["\n"])).toEqual({ text: "A dog.", stopped: false });
  });
});

describe("image tokens from the config", () => {
  it("counts one feature per patch, and CLIP's class token unless the default strategy drops it", () => {
    const clip = { model_type: "clip_vision_model", patch_size: 14 };
    expect(
      featuresFromConfig(
        { vision_config: clip, vision_feature_select_strategy: "default" },
        [1, 3, 336, 336],
      ),
    ).toBe(576);
    expect(
      featuresFromConfig({ vision_config: clip, vision_feature_select_strategy: "full" }, [1, 3, 336, 336]),
    ).toBe(577);
    const siglip = { model_type: "siglip_vision_model", patch_size: 14 };
    expect(
      featuresFromConfig({ vision_config: siglip, vision_feature_select_strategy: "full" }, [1, 3, 384, 384]),
    ).toBe(729);
  });

  it("leaves the count to a measurement when the config cannot tell", () => {
    expect(featuresFromConfig({}, [1, 3, 384, 384])).toBeUndefined();
    // tiled: five dimensions
    expect(featuresFromConfig({ vision_config: { patch_size: 14 } }, [1, 5, 3, 384, 384])).toBeUndefined();
  });
});
