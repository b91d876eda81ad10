import { existsSync } from "node:fs";
import { join } from "node:path";
import { AutoConfig, AutoProcessor, AutoTokenizer, env } from "@huggingface/transformers";
import { hubOffline, type ModelSource, resolveSource } from "../../core/model-source.js";
import { autoDtypes, FILES, hubListing, localDtypes, onnxNames, SUFFIX_DTYPE } from "./dtypes.js";
import { isSupportedModelType, SUPPORTED_MODEL_TYPES, unsupportedModel } from "./families.js";
import { describeSource, notFound, templateFile } from "./folder.js";
import type { Dtype } from "./transformers.js";

/** What `llava-bot models check` finds out about a model before anything runs on it. */
export interface ModelReport {
  source: ModelSource;
  modelType: string;
  family: string;
  processor: string;
  imageProcessor: string;
  tokenizer: string;
  chatTemplate: boolean;
  files: { file: string; dtype: string; present: boolean | undefined }[];
  /** How presence was decided: on disk, from the hub's file listing, or not at all (offline). */
  checkedAt: "folder" | "hub" | "unknown";
}

const dtypeSuffix = (dtype: string) => Object.entries(SUFFIX_DTYPE).find(([, d]) => d === dtype)?.[0] ?? "";

/** The ONNX file and dtype transformers.js will ask for, per part: as configured, else the repo's default, else fp32. */
function plannedFiles(
  dtype: Dtype,
  source: ModelSource,
  config: Record<string, unknown>,
  auto: { device: "cpu" | "cuda"; listing: Set<string> | undefined },
): { file: string; dtype: string }[] {
  const repoDefault = (config["transformers.js_config"] as { dtype?: Dtype } | undefined)?.dtype;
  const shipped =
    source.kind === "folder"
      ? localDtypes(source.path, auto.device)
      : auto.listing && autoDtypes(onnxNames(auto.listing), auto.device);
  const chosen: Dtype | undefined = dtype === "auto" ? (shipped ?? repoDefault) : dtype;
  return FILES.map((part) => {
    const d =
      typeof chosen === "string"
        ? chosen
        : (chosen?.[part] ?? (typeof repoDefault === "string" ? repoDefault : "fp32"));
    const resolved = d === "auto" ? "fp32" : d;
    return { file: `onnx/${part}${dtypeSuffix(resolved)}.onnx`, dtype: resolved };
  });
}

export async function inspectModel(
  id: string,
  options: { dtype: Dtype; device?: "cpu" | "cuda"; cacheDir?: string; hfToken?: string },
): Promise<ModelReport> {
  const source = resolveSource(id);
  if (options.cacheDir) env.cacheDir = options.cacheDir;
  if (hubOffline()) env.allowRemoteModels = false;
  const name = source.kind === "folder" ? source.path : source.id;
  const common = { local_files_only: source.kind === "folder" } as const;
  let config: Record<string, unknown>;
  try {
    config = (await AutoConfig.from_pretrained(name, common)) as unknown as Record<string, unknown>;
  } catch (cause) {
    throw notFound(source, cause);
  }
  const modelType = typeof config.model_type === "string" ? config.model_type : undefined;
  if (!isSupportedModelType(modelType)) throw unsupportedModel(modelType, describeSource(source));
  let processor: { constructor: { name: string }; image_processor?: object; tokenizer?: object };
  let tokenizer: { constructor: { name: string }; chat_template?: unknown };
  try {
    processor = (await AutoProcessor.from_pretrained(name, common)) as unknown as typeof processor;
    tokenizer = (processor.tokenizer ??
      (await AutoTokenizer.from_pretrained(name, common))) as unknown as typeof tokenizer;
  } catch (cause) {
    throw notFound(source, cause);
  }
  const listing = source.kind === "hub" ? await hubListing(source.id, options.hfToken) : undefined;
  const planned = plannedFiles(options.dtype, source, config, { device: options.device ?? "cpu", listing });
  const present = (file: string) =>
    source.kind === "folder" ? existsSync(join(source.path, file)) : listing ? listing.has(file) : undefined;
  return {
    source,
    modelType,
    family: SUPPORTED_MODEL_TYPES[modelType],
    processor: processor.constructor.name,
    imageProcessor: (processor.image_processor ?? processor).constructor.name,
    tokenizer: tokenizer.constructor.name,
    chatTemplate: typeof tokenizer.chat_template === "string" || templateFile(source) !== undefined,
    files: planned.map((f) => ({ ...f, present: present(f.file) })),
    checkedAt: source.kind === "folder" ? "folder" : listing ? "hub" : "unknown",
  };
}
