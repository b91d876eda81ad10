import { AutoProcessor, env, pipeline, SamModel } from "@huggingface/transformers";
import type { Config } from "../../config/schema.js";
import { downloadTracker, type HubProgress } from "../../core/download-progress.js";
import type { LoadProgress } from "../../core/model-port.js";
import { hubOffline, resolveSource } from "../../core/model-source.js";
import { CodedError, ErrorCode } from "../../errors.js";

/**
 * The vision tools' models, loaded in-process on first use and kept per process (one per tool and
 * model): they never wait on the chat model, and the chat never waits on them.
 */

export type VisionTool = "detect" | "segment" | "cutout";
export const VISION_TOOLS: readonly VisionTool[] = ["detect", "segment", "cutout"];

/** transformers.js's loose types, narrowed to what the tools call. */
interface Tensorish {
  dims: number[];
  data: ArrayLike<number | bigint | boolean>;
}
interface Detector {
  (image: unknown, labels: string[], options: Record<string, unknown>): Promise<unknown>;
  model: { config: { model_type?: string } };
  dispose(): Promise<unknown>;
}
interface Segmenter {
  model: ((inputs: Record<string, unknown>) => Promise<{ pred_masks: Tensorish; iou_scores: Tensorish }>) & {
    dispose(): Promise<unknown>;
  };
  processor: ((image: unknown, prompts: Record<string, unknown>) => Promise<Record<string, unknown>>) & {
    post_process_masks(masks: unknown, original: unknown, reshaped: unknown): Promise<Tensorish[]>;
  };
}
interface Remover {
  (
    image: unknown,
  ): Promise<{ data: Uint8ClampedArray | Uint8Array; width: number; height: number; channels: number }>;
  dispose(): Promise<unknown>;
}
interface Loaded {
  detect: Detector;
  segment: Segmenter;
  cutout: Remover;
}

const cache = new Map<string, Promise<unknown>>();

/** The one line a tool whose model cannot be loaded answers with; the chat keeps working. */
function unavailable(tool: VisionTool, id: string, cause: unknown): CodedError {
  const source = resolveSource(id);
  const fix =
    source.kind === "folder"
      ? `${source.path} is not a complete transformers.js model folder (config.json, preprocessor_config.json, onnx/*.onnx)`
      : `run \`llava-bot models pull ${id}\` on a connected host (or set tools.${tool}.model to a local folder)`;
  return new CodedError(ErrorCode.ModelNotFound, `The ${tool} tool's model is not available: ${fix}.`, {
    cause,
  });
}

async function open<T extends VisionTool>(
  tool: T,
  config: Config,
  onProgress?: (p: LoadProgress) => void,
): Promise<Loaded[T]> {
  const { model: id, dtype } = config.tools[tool];
  const source = resolveSource(id);
  if (config.model.cacheDir) env.cacheDir = config.model.cacheDir;
  if (hubOffline()) env.allowRemoteModels = false;
  const name = source.kind === "folder" ? source.path : source.id;
  const track = onProgress && source.kind === "hub" ? downloadTracker(onProgress) : undefined;
  const options = {
    local_files_only: source.kind === "folder",
    dtype,
    device: config.model.device,
    progress_callback: (p: HubProgress) => track?.(p),
  } as never;
  onProgress?.({ stage: "load" });
  try {
    let loaded: unknown;
    if (tool === "detect") loaded = await pipeline("zero-shot-object-detection", name, options);
    else if (tool === "cutout") loaded = await pipeline("background-removal", name, options);
    else
      loaded = {
        model: await SamModel.from_pretrained(name, options),
        processor: await AutoProcessor.from_pretrained(name, options),
      };
    onProgress?.({ stage: "ready" });
    return loaded as Loaded[T];
  } catch (cause) {
    throw unavailable(tool, id, cause);
  }
}

/** A tool's model, loading it on first use; a failed load is tried again by the next call. */
export function visionModel<T extends VisionTool>(
  tool: T,
  config: Config,
  onProgress?: (p: LoadProgress) => void,
): Promise<Loaded[T]> {
  const { model, dtype } = config.tools[tool];
  const key = `${tool}\n${model}\n${dtype}\n${config.model.device}`;
  let hit = cache.get(key) as Promise<Loaded[T]> | undefined;
  if (!hit) {
    hit = open(tool, config, onProgress);
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

/** Lets every loaded tool model go (the CLI's commands, tests, shutdown). */
export async function closeVision(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  for (const p of all) {
    const loaded = (await p.catch(() => undefined)) as
      | { dispose?: () => Promise<unknown>; model?: { dispose?: () => Promise<unknown> } }
      | undefined;
    await (loaded?.dispose ? loaded.dispose() : loaded?.model?.dispose?.());
  }
}
