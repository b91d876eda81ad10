import type { Config } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";
import type { ModelPort } from "../../core/model-port.js";
import { createTransformersModel } from "./transformers.js";

/** The model port the configuration asks for. */
export async function createModel(config: Config, secrets: Secrets): Promise<ModelPort> {
  const m = config.model;
  if (m.backend === "openai") {
    const { createOpenAIModel } = await import("./openai.js");
    return createOpenAIModel({
      baseUrl: m.openai.baseUrl,
      model: m.openai.model,
      timeoutMs: m.openai.timeoutMs,
      imageEdge: m.imageEdge,
      maxNewTokens: m.maxNewTokens,
      temperature: m.temperature,
      ...(secrets.openaiApiKey ? { apiKey: secrets.openaiApiKey } : {}),
    });
  }
  return createTransformersModel({
    id: m.id,
    device: m.device,
    dtype: m.dtype,
    imageEdge: m.imageEdge,
    maxNewTokens: m.maxNewTokens,
    temperature: m.temperature,
    ...(m.cacheDir ? { cacheDir: m.cacheDir } : {}),
  });
}
