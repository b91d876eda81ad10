import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AutoModelForZeroShotObjectDetection,
  AutoProcessor,
  AutoTokenizer,
  RawImage,
  SamModel,
  Tensor,
} from "@huggingface/transformers";
import { describe, expect, it } from "vitest";
import { VISION_FAMILIES } from "../../../tools/tiny-model/index.js";
import { sceneImage } from "../../helpers/shapes.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

// The generated vision test models have the hub checkpoints' shape: their files, model types,
// processor classes and ONNX input/output names; wrong inputs fail as the real graphs do.
const LOCAL = { local_files_only: true, dtype: "fp32" } as never;

const raw = async () => {
  const image = await sceneImage();
  const { data, info } = await (await import("sharp")).default(image.bytes).removeAlpha().raw().toBuffer({
    resolveWithObject: true,
  });
  return new RawImage(new Uint8ClampedArray(data), info.width, info.height, 3);
};

const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8"));

describe("the vision test model folders", () => {
  it.each([
    {
      family: "grounding-dino",
      type: "grounding-dino",
      processor: "GroundingDinoImageProcessor",
      onnx: ["model"],
    },
    {
      family: "sam",
      type: "sam",
      processor: "SamImageProcessor",
      onnx: ["vision_encoder", "prompt_encoder_mask_decoder"],
    },
    { family: "modnet", type: "modnet", processor: "ImageFeatureExtractor", onnx: ["model"] },
  ] as const)("$family has the checkpoint's config, processor and ONNX files", async (f) => {
    expect(VISION_FAMILIES).toContain(f.family);
    const dir = await tinyModelDir(f.family);
    expect(json(dir, "config.json").model_type).toBe(f.type);
    const pre = json(dir, "preprocessor_config.json");
    expect(pre.image_processor_type ?? pre.feature_extractor_type).toBe(f.processor);
    for (const name of f.onnx) expect(existsSync(join(dir, "onnx", `${name}.onnx`))).toBe(true);
  });
});

describe("Grounding DINO test model", () => {
  it("returns logits [1, queries, 256] over the text positions and pred_boxes [1, queries, 4]", async () => {
    const dir = await tinyModelDir("grounding-dino");
    const model = await AutoModelForZeroShotObjectDetection.from_pretrained(dir, LOCAL);
    const processor = await AutoProcessor.from_pretrained(dir, { local_files_only: true });
    const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    const text = tokenizer(["red square."], {});
    const { pixel_values } = await processor(await raw());
    const out = await model({ ...text, pixel_values });
    expect(out.logits.dims).toEqual([1, 9, 256]);
    expect(out.pred_boxes.dims).toEqual([1, 9, 4]);
    // BERT-style tokens: [CLS] red square . [SEP]
    const ids = Array.from((text.input_ids as Tensor).data as BigInt64Array, Number);
    expect(tokenizer.decode(ids, { skip_special_tokens: false })).toBe("[CLS] red square. [SEP]");
    await model.dispose();
  });

  it("without input_ids it fails as the real graph does", async () => {
    const dir = await tinyModelDir("grounding-dino");
    const model = await AutoModelForZeroShotObjectDetection.from_pretrained(dir, LOCAL);
    const processor = await AutoProcessor.from_pretrained(dir, { local_files_only: true });
    const { pixel_values } = await processor(await raw());
    await expect(model({ pixel_values })).rejects.toThrow(/input_ids/);
    await model.dispose();
  });
});

describe("SAM test model", () => {
  it("returns pred_masks [1, prompts, 3, 256, 256] and iou_scores [1, prompts, 3]", async () => {
    const dir = await tinyModelDir("sam");
    const model = await SamModel.from_pretrained(dir, LOCAL);
    const processor = await AutoProcessor.from_pretrained(dir, { local_files_only: true });
    const inputs = await processor(await raw(), {
      input_points: [[[[120, 110]], [[350, 220]]]],
      input_labels: [[[1], [1]]],
    });
    const out = await model(inputs);
    expect(out.pred_masks.dims).toEqual([1, 2, 3, 256, 256]);
    expect(out.iou_scores.dims).toEqual([1, 2, 3]);
    await model.dispose();
  });

  it("an image not padded to the encoder's size fails as the real encoder does", async () => {
    const dir = await tinyModelDir("sam");
    const model = (await SamModel.from_pretrained(dir, LOCAL)) as SamModel;
    const pixel_values = new Tensor("float32", new Float32Array(3 * 100 * 120), [1, 3, 100, 120]);
    await expect(model.get_image_embeddings({ pixel_values })).rejects.toThrow(
      /dimension|Got invalid dimensions/i,
    );
    await model.dispose();
  });
});
