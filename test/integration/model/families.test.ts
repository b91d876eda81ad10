import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  AutoTokenizer,
  RawImage,
} from "@huggingface/transformers";
import { afterAll, describe, expect, it } from "vitest";
import { createTransformersModel } from "../../../src/engine/model/transformers.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8"));
const grey = () => new RawImage(new Uint8ClampedArray(64 * 48 * 3).fill(128), 64, 48, 3);

/** What transformers.js does on its own, without our image token expansion. */
async function unexpandedGenerate(dir: string, withProcessorText: boolean) {
  const options = { local_files_only: true } as const;
  // biome-ignore lint/suspicious/noExplicitAny: the library's multimodal types are loose
  const processor: any = await AutoProcessor.from_pretrained(dir, options);
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const tokenizer: any = processor.tokenizer ?? (await AutoTokenizer.from_pretrained(dir, options));
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const model: any = await AutoModelForImageTextToText.from_pretrained(dir, {
    ...options,
    dtype: "fp32",
  } as never);
  const prompt = "<image>\nWhat colour is it?";
  try {
    const inputs = withProcessorText
      ? await processor(grey(), prompt)
      : { ...tokenizer(prompt), ...(await (processor.image_processor ?? processor)(grey())) };
    return await model.generate({ ...inputs, max_new_tokens: 2 });
  } finally {
    await model.dispose();
  }
}

describe("each family's folder has its public checkpoints' shape", () => {
  it("LLaVA-OneVision: SigLIP processor, LlavaOnevisionProcessor, Qwen2 tokenizer with <image> added, ChatML", async () => {
    const dir = await tinyModelDir("onevision");
    expect(json(dir, "config.json")).toMatchObject({
      model_type: "llava_onevision",
      text_config: { model_type: "qwen2" },
      vision_config: { model_type: "siglip_vision_model" },
      vision_feature_select_strategy: "full",
    });
    expect(json(dir, "preprocessor_config.json")).toMatchObject({
      image_processor_type: "LlavaOnevisionImageProcessor",
      processor_class: "LlavaOnevisionProcessor",
    });
    expect(json(dir, "processor_config.json")).toMatchObject({ processor_class: "LlavaOnevisionProcessor" });
    const tok = json(dir, "tokenizer_config.json");
    expect(tok.tokenizer_class).toBe("Qwen2Tokenizer");
    expect(tok.chat_template).toContain("<|im_start|>");
    const added = json(dir, "tokenizer.json").added_tokens.map((t: { content: string }) => t.content);
    expect(added).toEqual(expect.arrayContaining(["<|im_start|>", "<|im_end|>", "<image>"]));
    expect(json(dir, "config.json").image_token_index).toBe(
      json(dir, "tokenizer.json").added_tokens.find((t: { content: string }) => t.content === "<image>").id,
    );
  });

  it("LLaVA-1.5: CLIP processor, LlavaProcessor, Vicuna template; nanoLLaVA: llava_qwen2 with a SigLIP processor", async () => {
    const llava = await tinyModelDir("llava");
    expect(json(llava, "config.json")).toMatchObject({
      model_type: "llava",
      vision_config: { model_type: "clip_vision_model" },
    });
    expect(json(llava, "preprocessor_config.json").image_processor_type).toBe("CLIPImageProcessor");
    expect(json(llava, "processor_config.json").processor_class).toBe("LlavaProcessor");
    expect(json(llava, "chat_template.json").chat_template).toContain("USER: ");
    const nano = await tinyModelDir("llava-qwen2");
    expect(json(nano, "config.json")).toMatchObject({
      model_type: "llava_qwen2",
      mm_projector_type: "mlp2x_gelu",
    });
    expect(json(nano, "preprocessor_config.json").image_processor_type).toBe("SiglipImageProcessor");
  });
});

describe("without llava-bot's image token expansion, transformers.js fails as it would on the hub models", () => {
  it("LLaVA-OneVision: the generic processor leaves one <image> token for 25 features", async () => {
    await expect(unexpandedGenerate(await tinyModelDir("onevision"), false)).rejects.toThrow(
      /tokens: 1, features 25/,
    );
  });

  it("nanoLLaVA: one <image> token for 9 features", async () => {
    await expect(unexpandedGenerate(await tinyModelDir("llava-qwen2"), false)).rejects.toThrow(
      /tokens: 1, features 9/,
    );
  });

  it("LLaVA-1.5: LlavaProcessor counts the class token the default strategy drops (17 for 16)", async () => {
    await expect(unexpandedGenerate(await tinyModelDir("llava"), true)).rejects.toThrow(
      /tokens: 17, features 16/,
    );
  });
});

describe("a family llava-bot does not run", () => {
  const tmp = mkdtempSync(join(tmpdir(), "llava-bot-family-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("fails at load, before any weights, in one line naming the model type", async () => {
    const dir = join(tmp, "qwen2-vl");
    cpSync(await tinyModelDir("onevision"), dir, { recursive: true });
    const config = json(dir, "config.json");
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, model_type: "qwen2_vl" }));
    rmSync(join(dir, "onnx"), { recursive: true });
    const model = createTransformersModel({
      id: dir,
      device: "cpu",
      dtype: "auto",
      maxNewTokens: 4,
      temperature: 0,
    });
    const err = await model.load().then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err?.code).toBe("model_unsupported");
    expect(err?.message).toMatch(
      /model type "qwen2_vl".*llava, llava_onevision, llava_qwen2.*backend: openai/,
    );
    expect(err?.message).not.toContain("\n");
  });
});
