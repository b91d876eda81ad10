import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { modelFiles } from "./files.js";
import { decoder, embedTokens, visionEncoder } from "./graphs.js";
import { encodeModel } from "./onnx.js";

/** Bumped whenever the generated model changes, so cached copies are rebuilt. */
export const TINY_MODEL_VERSION = 1;

/**
 * Writes a complete LLaVA folder that transformers.js loads offline. Its weights are set by hand:
 * asked anything about an image, it answers the dominant colour (red, green, blue, white or black).
 */
export function makeTestModel(dir: string): string[] {
  mkdirSync(join(dir, "onnx"), { recursive: true });
  const written: string[] = [];
  for (const [name, json] of Object.entries(modelFiles())) {
    writeFileSync(join(dir, name), `${JSON.stringify(json, null, 2)}\n`);
    written.push(name);
  }
  for (const graph of [visionEncoder(), embedTokens(), decoder()]) {
    const file = join("onnx", `${graph.name}.onnx`);
    writeFileSync(join(dir, file), encodeModel(graph));
    written.push(file);
  }
  writeFileSync(join(dir, "VERSION"), `${TINY_MODEL_VERSION}\n`);
  return written;
}
