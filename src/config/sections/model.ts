import { z } from "zod";

/** A small LLaVA-OneVision (Qwen2 0.5B) exported to ONNX for transformers.js; about 1 GB with quantised weights. */
const DEFAULT_MODEL_ID = "onnx-community/llava-onevision-qwen2-0.5b-ov-hf";

export const modelSection = z
  .object({
    backend: z.enum(["transformers", "openai"]).default("transformers"),
    /** Hugging Face hub id, or a local folder (absolute or ./relative) for offline hosts. */
    id: z.string().min(1).default(DEFAULT_MODEL_ID),
    device: z.enum(["cpu", "cuda"]).default("cpu"),
    /** Weight precision per ONNX file, e.g. { vision_encoder: fp16, decoder_model_merged: q4 }, or one value for all. */
    dtype: z
      .union([
        z.enum(["auto", "fp32", "fp16", "q8", "int8", "uint8", "q4", "bnb4", "q4f16"]),
        z.record(z.string(), z.enum(["auto", "fp32", "fp16", "q8", "int8", "uint8", "q4", "bnb4", "q4f16"])),
      ])
      .default("auto"),
    /** Where downloaded hub models are cached. */
    cacheDir: z.string().optional(),
    /** Long edge in pixels that photos are shrunk to on load, before the processor sees them. */
    maxImageEdge: z.number().int().min(64).max(8192).default(1536),
    /**
     * Edge of the copy of each photo the model gets, made once per photo: auto is the processor's
     * size in-process and 768 px for an OpenAI-compatible server (twice a LLaVA encoder's, for servers that tile).
     */
    imageEdge: z.union([z.literal("auto"), z.number().int().min(64).max(4096)]).default("auto"),
    maxNewTokens: z.number().int().min(1).max(8192).default(512),
    temperature: z.number().min(0).max(2).default(0),
    openai: z
      .object({
        baseUrl: z.url().default("http://127.0.0.1:8000/v1"),
        model: z.string().min(1).default("llava-hf/llava-1.5-7b-hf"),
        timeoutMs: z.number().int().min(100).default(120_000),
      })
      .prefault({}),
  })
  .prefault({});
