import type { Graph } from "../onnx.js";
import { groundingDinoFiles, groundingDinoGraph } from "./grounding-dino.js";
import { modnetFiles, modnetGraph } from "./modnet.js";
import { samDecoder, samFiles, samVisionEncoder } from "./sam.js";

/** The vision tools' test models: what finds, outlines and cuts out flat-coloured shapes. */
export const VISION_FAMILIES = ["grounding-dino", "sam", "modnet"] as const;
export type VisionFamily = (typeof VISION_FAMILIES)[number];

export function isVisionFamily(value: string): value is VisionFamily {
  return (VISION_FAMILIES as readonly string[]).includes(value);
}

/** A vision family's JSON files and its ONNX graphs (each written as onnx/<graph name>.onnx). */
export function visionModel(family: VisionFamily): { files: Record<string, unknown>; graphs: Graph[] } {
  if (family === "sam") return { files: samFiles(), graphs: [samVisionEncoder(), samDecoder()] };
  if (family === "modnet") return { files: modnetFiles(), graphs: [modnetGraph()] };
  return { files: groundingDinoFiles(), graphs: [groundingDinoGraph()] };
}
