import { CodedError, ErrorCode } from "../../errors.js";

/**
 * The LLaVA families the in-process backend runs, by the `model_type` their config.json names.
 * Each is tested through transformers.js with a generated folder of the same shape
 * (`llava-bot make-test-model --family ...`).
 */
export const SUPPORTED_MODEL_TYPES = {
  llava: "LLaVA-1.5 / LLaVA (CLIP + Llama/Vicuna)",
  llava_onevision: "LLaVA-OneVision (SigLIP + Qwen2)",
  llava_qwen2: "nanoLLaVA (SigLIP + Qwen1.5/2)",
} as const;

export type SupportedModelType = keyof typeof SUPPORTED_MODEL_TYPES;

export function isSupportedModelType(type: string | undefined): type is SupportedModelType {
  return type !== undefined && Object.hasOwn(SUPPORTED_MODEL_TYPES, type);
}

/** One clear line for a checkpoint whose family the in-process backend cannot run. */
export function unsupportedModel(modelType: string | undefined, what: string): CodedError {
  const known = Object.keys(SUPPORTED_MODEL_TYPES).join(", ");
  return new CodedError(
    ErrorCode.ModelUnsupported,
    `${what} is model type "${modelType ?? "unknown"}", which llava-bot does not run in-process (it runs ${known}). Serve it with an OpenAI-compatible server (vLLM, SGLang, llama.cpp) and set model.backend: openai, or pick a supported model.`,
  );
}
