import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAMILIES, familyModel, isFamily } from "./families.js";
import { decoder, embedTokens, visionEncoder } from "./graphs.js";
import { encodeModel, type Graph } from "./onnx.js";
import { isVisionFamily, VISION_FAMILIES, type VisionFamily, visionModel } from "./vision/index.js";

export type { TestFamily } from "./families.js";
export type { VisionFamily } from "./vision/index.js";

/** Every family make-test-model writes: the LLaVA chat models, then the vision tools. */
export const ALL_FAMILIES = [...FAMILIES, ...VISION_FAMILIES] as const;
export type AnyFamily = (typeof ALL_FAMILIES)[number];
export { FAMILIES, VISION_FAMILIES };

export function isAnyFamily(value: string): value is AnyFamily {
  return isFamily(value) || isVisionFamily(value);
}

/** Bumped whenever the generated models change, so cached copies are rebuilt. */
export const TINY_MODEL_VERSION = 5;

function parts(family: AnyFamily): { files: Record<string, unknown>; graphs: Graph[] } {
  if (isVisionFamily(family)) return visionModel(family as VisionFamily);
  const spec = familyModel(family);
  return {
    files: spec.files,
    graphs: [visionEncoder(spec.vision), embedTokens(spec.vocab), decoder(spec.vocab)],
  };
}

/**
 * Writes a complete model folder of one family that transformers.js loads offline. Its weights
 * are set by hand. A LLaVA family, asked anything about an image, answers the dominant colour
 * (red, green, blue, white or black); asked with no image, the colour its text names (black if
 * none). The vision families find flat-coloured shapes (see tools/tiny-model/vision).
 */
export function makeTestModel(dir: string, family: AnyFamily = "llava"): string[] {
  const { files, graphs } = parts(family);
  mkdirSync(join(dir, "onnx"), { recursive: true });
  const written: string[] = [];
  for (const [name, json] of Object.entries(files)) {
    writeFileSync(join(dir, name), `${JSON.stringify(json, null, 2)}\n`);
    written.push(name);
  }
  for (const graph of graphs) {
    const file = join("onnx", `${graph.name}.onnx`);
    writeFileSync(join(dir, file), encodeModel(graph));
    written.push(file);
  }
  writeFileSync(join(dir, "VERSION"), `${TINY_MODEL_VERSION}\n`);
  return written;
}
