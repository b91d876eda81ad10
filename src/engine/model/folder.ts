import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ModelSource, modelHint } from "../../core/model-source.js";
import { CodedError, ErrorCode } from "../../errors.js";

/**
 * What a model's source holds, read without loading it: its own chat template, and the sentence for a source that cannot
 * be loaded.
 */

export function describeSource(source: ModelSource): string {
  return source.kind === "folder" ? `folder ${source.path}` : `hub model "${source.id}"`;
}

export function notFound(source: ModelSource, cause: unknown): CodedError {
  const reason = (cause as Error)?.message ?? String(cause);
  const offline =
    /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|allowRemoteModels|local_files_only|not found/i.test(
      reason,
    );
  const what =
    source.kind === "folder"
      ? `Cannot load the model from ${describeSource(source)}: ${existsSync(source.path) ? "it is not a complete transformers.js model folder (config.json, processor files, onnx/*.onnx)" : "no such folder"}.`
      : `Cannot load ${describeSource(source)}${offline ? " (is this host offline, or is the id misspelled?)" : ""}.`;
  return new CodedError(ErrorCode.ModelNotFound, `${what} ${modelHint()}`, { cause });
}

/** A chat template the repository keeps in its own file (recent llava-hf repositories do). */
export function templateFile(source: ModelSource): string | undefined {
  if (source.kind !== "folder") return undefined;
  const jinja = join(source.path, "chat_template.jinja");
  if (existsSync(jinja)) return readFileSync(jinja, "utf8");
  const json = join(source.path, "chat_template.json");
  if (!existsSync(json)) return undefined;
  const parsed = JSON.parse(readFileSync(json, "utf8")) as { chat_template?: unknown };
  return typeof parsed.chat_template === "string" ? parsed.chat_template : undefined;
}
