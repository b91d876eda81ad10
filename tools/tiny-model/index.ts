import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { familyModel, type TestFamily } from "./families.js";
import { decoder, embedTokens, visionEncoder } from "./graphs.js";
import { encodeModel } from "./onnx.js";

export { FAMILIES, isFamily, type TestFamily } from "./families.js";

/** Bumped whenever the generated models change, so cached copies are rebuilt. */
export const TINY_MODEL_VERSION = 3;

/**
 * Writes a complete model folder of one LLaVA family that transformers.js loads offline. Its
 * weights are set by hand: asked anything about an image, it answers the dominant colour (red,
 * green, blue, white or black); asked with no image, the colour its text names (black if none).
 */
export function makeTestModel(dir: string, family: TestFamily = "llava"): string[] {
  const spec = familyModel(family);
  mkdirSync(join(dir, "onnx"), { recursive: true });
  const written: string[] = [];
  for (const [name, json] of Object.entries(spec.files)) {
    writeFileSync(join(dir, name), `${JSON.stringify(json, null, 2)}\n`);
    written.push(name);
  }
  for (const graph of [visionEncoder(spec.vision), embedTokens(spec.vocab), decoder(spec.vocab)]) {
    const file = join("onnx", `${graph.name}.onnx`);
    writeFileSync(join(dir, file), encodeModel(graph));
    written.push(file);
  }
  writeFileSync(join(dir, "VERSION"), `${TINY_MODEL_VERSION}\n`);
  return written;
}
