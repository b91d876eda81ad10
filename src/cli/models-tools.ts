import { env } from "@huggingface/transformers";
import type { Config } from "../config/schema.js";
import { resolveSource } from "../core/model-source.js";
import { hubListing } from "../engine/model/dtypes.js";
import { closeVision, VISION_TOOLS, type VisionTool, visionModel } from "../skills/vision/load.js";
import { loadProgress } from "./progress.js";

/** `models check` and `models pull` for the vision tools' models (tools.<name>.model). */

const out = (line: string) => void process.stdout.write(`${line}\n`);

/** The ONNX files each tool's transformers.js class loads, at a dtype. */
function toolFiles(tool: VisionTool, dtype: string): string[] {
  const suffix = dtype === "fp32" ? "" : dtype === "fp16" ? "_fp16" : "_quantized";
  const graphs = tool === "segment" ? ["vision_encoder", "prompt_encoder_mask_decoder"] : ["model"];
  return graphs.map((g) => `onnx/${g}${suffix}.onnx`);
}

async function checkOne(tool: VisionTool, config: Config, hfToken?: string): Promise<boolean> {
  const { model: id, dtype } = config.tools[tool];
  const label = `tool       ${tool.padEnd(8)} ${id}`;
  const source = resolveSource(id);
  if (source.kind === "hub" && env.allowRemoteModels) {
    const listing = await hubListing(id, hfToken);
    if (listing) {
      const missing = ["config.json", "preprocessor_config.json", ...toolFiles(tool, dtype)].filter(
        (f) => !listing.has(f),
      );
      out(
        `${label}: ${missing.length ? `MISSING ${missing.join(", ")}` : `on the hub (${dtype}); llava-bot models pull fetches it`}`,
      );
      return missing.length === 0;
    }
  }
  try {
    await visionModel(tool, source.kind === "hub" ? offline(config) : config);
    out(`${label}: ${source.kind === "folder" ? "loads" : "in the cache, loads"}`);
    return true;
  } catch (err) {
    out(`${label}: ${(err as Error).message}`);
    return false;
  }
}

/** The configuration as is; loading from the hub's cache only (check never downloads). */
function offline(config: Config): Config {
  env.allowRemoteModels = false;
  return config;
}

/** One line per tool model; false when any is missing. */
export async function checkTools(
  config: Config,
  hfToken?: string,
  tools: readonly VisionTool[] = VISION_TOOLS,
): Promise<boolean> {
  const remote = env.allowRemoteModels;
  let ok = true;
  try {
    for (const tool of tools) ok = (await checkOne(tool, config, hfToken)) && ok;
  } finally {
    env.allowRemoteModels = remote;
    await closeVision();
  }
  return ok;
}

/** The tool whose configured model is `id`, if any. */
export function toolFor(config: Config, id: string): VisionTool | undefined {
  return VISION_TOOLS.find((t) => config.tools[t].model === id);
}

/** Downloads a tool's model into the cache with the same progress bar as the chat model. */
export async function pullTool(tool: VisionTool, config: Config): Promise<void> {
  const id = config.tools[tool].model;
  if (resolveSource(id).kind === "folder") {
    out(`${id} is a local folder; nothing to download.`);
    return;
  }
  try {
    await visionModel(tool, config, loadProgress(`pull ${id}`));
    out(`${id} (${tool}) is in the cache; hosts that share it can run offline with HF_HUB_OFFLINE=1.`);
  } finally {
    await closeVision();
  }
}
