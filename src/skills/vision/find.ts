import type { Config } from "../../config/schema.js";
import type { ModelImage } from "../../core/model-port.js";
import { toRawImage } from "../../images/raw-image.js";
import { visionModel } from "./load.js";

/** [x0, y0, x1, y1] in pixels of the image as given. */
export type Box = [number, number, number, number];

export interface Detection {
  label: string;
  score: number;
  box: Box;
}

export interface Thresholds {
  /** A box counts when its best score passes this (Grounding DINO's box_threshold). */
  box: number;
  /** The words of a box's label (Grounding DINO's text_threshold; transformers.js takes one threshold, the larger is used). */
  text: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { box: 0.3, text: 0.25 };

/** "a red square and the blue circle. dogs" → ["a red square", "the blue circle", "dogs"]. */
export function phrasesOf(text: string): string[] {
  return text
    .split(/\s*(?:[.;,\n]|\band\b)\s*/i)
    .map((p) => p.trim())
    .filter(Boolean)
    .slice(0, 16);
}

interface RawDetection {
  label: string;
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
}

/** Open-vocabulary detection: the phrases' boxes, best first. */
export async function detectObjects(
  config: Config,
  image: ModelImage,
  phrases: string[],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): Promise<Detection[]> {
  if (phrases.length === 0) return [];
  const detector = await visionModel("detect", config);
  const raw = await toRawImage(image);
  // Grounding DINO reads one prompt of "."-ended phrases; OWL-ViT/OWLv2 one label per query.
  const grounding = detector.model.config.model_type === "grounding-dino";
  const labels = grounding ? [phrases.map((p) => `${p.toLowerCase()}.`).join(" ")] : phrases;
  const found = (await detector(raw, labels, {
    threshold: Math.max(thresholds.box, thresholds.text),
  })) as RawDetection[];
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, Math.round(v)));
  return found.map((d) => ({
    label: d.label.trim() || (phrases.length === 1 ? (phrases[0] as string) : "object"),
    score: d.score,
    box: [
      clamp(d.box.xmin, image.width),
      clamp(d.box.ymin, image.height),
      clamp(d.box.xmax, image.width),
      clamp(d.box.ymax, image.height),
    ],
  }));
}
