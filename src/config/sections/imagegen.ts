import { z } from "zod";

export const imagegenSection = z
  .object({
    /** Image-generation backend for `generate` and instruction edits; `none` hides those skills. */
    backend: z.enum(["none", "comfyui", "a1111", "openai"]).default("none"),
    url: z.url().optional(),
    /** Model name for OpenAI-compatible image APIs. */
    model: z.string().optional(),
    /** ComfyUI workflow (API format JSON file) with placeholders for prompt, seed and image. */
    workflow: z.string().optional(),
    timeoutMs: z.number().int().min(1000).default(180_000),
    width: z.number().int().min(64).max(4096).default(1024),
    height: z.number().int().min(64).max(4096).default(1024),
  })
  .prefault({});
