import type { Config } from "../../config/schema.js";
import type { ModelImage } from "../../core/model-port.js";
import { toRawImage } from "../../images/raw-image.js";
import type { Box } from "./find.js";
import { visionModel } from "./load.js";

/** One object's mask: 1 inside, 0 outside, row-major over the image. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
  score: number;
}

/** A prompt for SAM: points in pixels with their labels (1 object, 0 not; 2 and 3 a box's corners). */
interface Prompt {
  points: [number, number][];
  labels: number[];
}

/**
 * A box as SAM's original prompt encoding has it: its two corners (labels 2 and 3), and its centre
 * as an object point, since exports whose prompt encoder ignores corner labels still follow that.
 */
function boxPrompt([x0, y0, x1, y1]: Box): Prompt {
  return {
    points: [
      [(x0 + x1) / 2, (y0 + y1) / 2],
      [x0, y0],
      [x1, y1],
    ],
    labels: [1, 2, 3],
  };
}

/** Masks, one per prompt (prompts of one image must have the same number of points). */
async function run(config: Config, image: ModelImage, prompts: Prompt[]): Promise<Mask[]> {
  if (prompts.length === 0) return [];
  const { model, processor } = await visionModel("segment", config);
  const raw = await toRawImage(image);
  const inputs = await processor(raw, {
    input_points: [prompts.map((p) => p.points)],
    input_labels: [prompts.map((p) => p.labels)],
  });
  const out = await model(inputs);
  const [masks] = await processor.post_process_masks(
    out.pred_masks,
    inputs.original_sizes,
    inputs.reshaped_input_sizes,
  );
  if (!masks) return [];
  // [1, prompts, 3 candidates, H, W]: each prompt keeps its best-scored candidate.
  const [, , candidates = 1, height = 0, width = 0] =
    masks.dims.length === 5 ? masks.dims : [1, ...masks.dims];
  const plane = width * height;
  const scores = Array.from(out.iou_scores.data, Number);
  return prompts.map((_, p) => {
    let best = 0;
    for (let c = 1; c < candidates; c++)
      if ((scores[p * candidates + c] ?? 0) > (scores[p * candidates + best] ?? 0)) best = c;
    const start = (p * candidates + best) * plane;
    const data = new Uint8Array(plane);
    for (let i = 0; i < plane; i++) data[i] = masks.data[start + i] ? 1 : 0;
    return { width, height, data, score: scores[p * candidates + best] ?? 0 };
  });
}

export function masksForBoxes(config: Config, image: ModelImage, boxes: Box[]): Promise<Mask[]> {
  return run(config, image, boxes.map(boxPrompt));
}

export async function maskForPoints(
  config: Config,
  image: ModelImage,
  points: [number, number][],
  labels: number[],
): Promise<Mask[]> {
  return run(config, image, [{ points, labels }]);
}

/** The tightest box around a mask's pixels, or undefined for an empty mask. */
export function maskBox(mask: Pick<Mask, "width" | "height" | "data">): Box | undefined {
  let x0 = mask.width;
  let y0 = mask.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++)
      if (mask.data[y * mask.width + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}
