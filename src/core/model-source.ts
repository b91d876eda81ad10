import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Where a model comes from: a folder on disk, or a Hugging Face hub id. */
export type ModelSource = { kind: "folder"; path: string } | { kind: "hub"; id: string };

export function resolveSource(id: string): ModelSource {
  const expanded = id.startsWith("~/") ? join(homedir(), id.slice(2)) : id;
  const looksLikePath = /^(\.{1,2}\/|\/|~\/)/.test(id) || /^[A-Za-z]:[\\/]/.test(id);
  if (looksLikePath || existsSync(expanded)) return { kind: "folder", path: resolve(expanded) };
  return { kind: "hub", id };
}

/** The one-line hint every "model not found" message ends with. */
export function modelHint(): string {
  return "Point at a local folder with --model ./path/to/model, model.id in a config file, or LLAVA_BOT__MODEL__ID=/path (npx llava-bot make-test-model <dir> writes a tiny offline one).";
}

/** Honours Hugging Face's HF_HUB_OFFLINE=1: no hub requests at all, only folders and the cache. */
export function hubOffline(): boolean {
  return ["1", "true", "yes"].includes((process.env.HF_HUB_OFFLINE ?? "").toLowerCase());
}
