import { DataType, type Graph, type Tensor } from "./onnx.js";
import { COLOURS, type TinyVocab } from "./vocab.js";

/**
 * The three ONNX graphs of a tiny LLaVA. Hidden size 8:
 *   dims 0-2  R, G, B of one image patch (0..1) divided by the patch count, written only by the
 *             vision encoder, so summing an image's features gives its mean colour
 *   dim 3     1 / patch count for an image feature (so the sum counts the images)
 *   dim 4     1 for a colour word (so the step after a colour word ends the answer); a colour
 *             word also writes faint evidence of its colour into dims 0-3 (see embedTokens)
 * The vision encoder returns one feature per patch, as CLIP and SigLIP do, so the prompt must hold
 * exactly that many image tokens. The decoder keeps every step's embedding in its KV cache and
 * averages the image evidence back out of it, so decode steps that only see the new token still
 * know the colour.
 */
export const HIDDEN = 8;

/** How a family's vision tower sees an image. */
export interface VisionSpec {
  /** Side of the square the image processor produces. */
  imageSize: number;
  patchSize: number;
  /** The processor's normalisation, undone inside the encoder to get back to 0..1. */
  mean: [number, number, number];
  std: [number, number, number];
}

export function featuresPerImage(vision: VisionSpec): number {
  return (vision.imageSize / vision.patchSize) ** 2;
}

const f32 = (name: string, dims: number[], values: number[]): Tensor => ({
  name,
  dims,
  type: DataType.FLOAT,
  values,
});
const i64 = (name: string, dims: number[], values: number[]): Tensor => ({
  name,
  dims,
  type: DataType.INT64,
  values,
});

export function visionEncoder(vision: VisionSpec): Graph {
  const grid = vision.imageSize / vision.patchSize;
  if (!Number.isInteger(grid)) throw new Error("image size must be a multiple of the patch size");
  const count = grid * grid;
  // Patch mean RGB into dims 0-2 and the image flag into dim 3, each scaled by 1/count.
  const w = new Array(3 * HIDDEN).fill(0);
  for (let c = 0; c < 3; c++) w[c * HIDDEN + c] = 1 / count;
  const b = new Array(HIDDEN).fill(0);
  b[3] = 1 / count;
  const P = vision.patchSize;
  return {
    name: "vision_encoder",
    inputs: [{ name: "pixel_values", type: DataType.FLOAT, shape: ["batch_size", 3, "height", "width"] }],
    outputs: [{ name: "image_features", type: DataType.FLOAT, shape: ["batch_size", count, HIDDEN] }],
    initializers: [
      f32("std", [1, 3, 1, 1], vision.std),
      f32("mean", [1, 3, 1, 1], vision.mean),
      i64("patches_shape", [6], [0, 3, grid, P, grid, P]),
      i64("flat_shape", [3], [0, 3, count]),
      f32("proj_w", [3, HIDDEN], w),
      f32("proj_b", [HIDDEN], b),
    ],
    nodes: [
      { op: "Mul", inputs: ["pixel_values", "std"], outputs: ["scaled"] },
      { op: "Add", inputs: ["scaled", "mean"], outputs: ["rgb01"] },
      { op: "Reshape", inputs: ["rgb01", "patches_shape"], outputs: ["patches"] },
      {
        op: "ReduceMean",
        inputs: ["patches"],
        outputs: ["patch_rgb"],
        attrs: [
          { name: "axes", ints: [3, 5] },
          { name: "keepdims", int: 0 },
        ],
      },
      { op: "Reshape", inputs: ["patch_rgb", "flat_shape"], outputs: ["flat"] },
      {
        op: "Transpose",
        inputs: ["flat"],
        outputs: ["per_patch"],
        attrs: [{ name: "perm", ints: [0, 2, 1] }],
      },
      { op: "MatMul", inputs: ["per_patch", "proj_w"], outputs: ["proj"] },
      { op: "Add", inputs: ["proj", "proj_b"], outputs: ["image_features"] },
    ],
  };
}

/** How much a colour word counts against one image's evidence. */
const WORD_WEIGHT = 0.01;
const WORD_RGB: Record<(typeof COLOURS)[number], [number, number, number]> = {
  red: [1, 0, 0],
  green: [0, 1, 0],
  blue: [0, 0, 1],
  white: [1, 1, 1],
  black: [0, 0, 0],
};

export function embedTokens(vocab: TinyVocab): Graph {
  const V = vocab.size;
  const table = new Array(V * HIDDEN).fill(0);
  for (const c of COLOURS) {
    const row = vocab.colourIds[c] * HIDDEN;
    // A colour word in the text is faint evidence of that colour, worth WORD_WEIGHT of one image:
    // with no image in the conversation (text-only calls, such as captions written from a
    // description) the model names the colour it read; with one, the image decides.
    for (const [i, v] of WORD_RGB[c].entries()) table[row + i] = v * WORD_WEIGHT;
    table[row + 3] = WORD_WEIGHT;
    table[row + 4] = 1;
  }
  return {
    name: "embed_tokens",
    inputs: [{ name: "input_ids", type: DataType.INT64, shape: ["batch_size", "sequence_length"] }],
    outputs: [
      { name: "inputs_embeds", type: DataType.FLOAT, shape: ["batch_size", "sequence_length", HIDDEN] },
    ],
    initializers: [f32("table", [V, HIDDEN], table)],
    nodes: [
      {
        op: "Gather",
        inputs: ["table", "input_ids"],
        outputs: ["inputs_embeds"],
        attrs: [{ name: "axis", int: 0 }],
      },
    ],
  };
}

/** Colour scores from [R, G, B, max, min]: a chroma test for red/green/blue, brightness for white/black. */
function colourHead(vocab: TinyVocab): { w: number[]; b: number[] } {
  const V = vocab.size;
  const w = new Array(5 * V).fill(0);
  const b = new Array(V).fill(-100);
  const set = (row: number, col: number, v: number) => {
    w[row * V + col] = v;
  };
  const { red, green, blue, white, black } = vocab.colourIds;
  for (const [i, id] of [red, green, blue].entries()) {
    for (let c = 0; c < 3; c++) set(c, id, c === i ? 2 : -1);
    b[id] = 0;
  }
  set(4, white, 3);
  b[white] = -1.5;
  set(3, black, -3);
  b[black] = 1.5;
  b[vocab.eosId] = -50;
  return { w, b };
}

export function decoder(vocab: TinyVocab): Graph {
  const V = vocab.size;
  const { w, b } = colourHead(vocab);
  const eos = new Array(V).fill(0);
  eos[vocab.eosId] = 1000;
  const kv = (name: string, seq: string) => ({
    name,
    type: DataType.FLOAT,
    shape: ["batch_size", 1, seq, HIDDEN],
  });
  const slice = (from: string, start: string, end: string, out: string) => ({
    op: "Slice",
    inputs: [from, start, end, "last_axis"],
    outputs: [out],
  });
  const reduce = (op: string, input: string, output: string) => ({
    op,
    inputs: [input],
    outputs: [output],
    attrs: [
      { name: "axes", ints: [2] },
      { name: "keepdims", int: 1 },
    ],
  });
  return {
    name: "decoder_model_merged",
    inputs: [
      { name: "inputs_embeds", type: DataType.FLOAT, shape: ["batch_size", "sequence_length", HIDDEN] },
      { name: "attention_mask", type: DataType.INT64, shape: ["batch_size", "total_sequence_length"] },
      kv("past_key_values.0.key", "past_sequence_length"),
      kv("past_key_values.0.value", "past_sequence_length"),
    ],
    outputs: [
      { name: "logits", type: DataType.FLOAT, shape: ["batch_size", "sequence_length", V] },
      kv("present.0.key", "total_sequence_length"),
      kv("present.0.value", "total_sequence_length"),
    ],
    initializers: [
      f32("head_w", [5, V], w),
      f32("head_b", [V], b),
      f32("eos_w", [1, V], eos),
      f32("tiny", [1], [1e-6]),
      i64("axis1", [1], [1]),
      i64("axis2", [1], [2]),
      i64("rgb_start", [1], [0]),
      i64("rgb_end", [1], [3]),
      i64("count_end", [1], [4]),
      i64("flag_start", [1], [4]),
      i64("flag_end", [1], [5]),
      i64("last_axis", [1], [2]),
    ],
    nodes: [
      { op: "Unsqueeze", inputs: ["inputs_embeds", "axis1"], outputs: ["step"] },
      {
        op: "Concat",
        inputs: ["past_key_values.0.key", "step"],
        outputs: ["present.0.key"],
        attrs: [{ name: "axis", int: 2 }],
      },
      {
        op: "Concat",
        inputs: ["past_key_values.0.value", "step"],
        outputs: ["present.0.value"],
        attrs: [{ name: "axis", int: 2 }],
      },
      // Evidence summed over the conversation so far: [B, 1, HIDDEN]. Image features sum to each
      // image's mean colour (dims 0-2) and to the number of images (dim 3).
      {
        op: "ReduceSum",
        inputs: ["present.0.key", "axis2"],
        outputs: ["total"],
        attrs: [{ name: "keepdims", int: 0 }],
      },
      slice("total", "rgb_start", "rgb_end", "rgb_sum"),
      slice("total", "rgb_end", "count_end", "images"),
      { op: "Max", inputs: ["images", "tiny"], outputs: ["images_safe"] },
      // The mean colour over all the conversation's images.
      { op: "Div", inputs: ["rgb_sum", "images_safe"], outputs: ["rgb"] },
      reduce("ReduceMax", "rgb", "mx"),
      reduce("ReduceMin", "rgb", "mn"),
      { op: "Concat", inputs: ["rgb", "mx", "mn"], outputs: ["features"], attrs: [{ name: "axis", int: 2 }] },
      { op: "MatMul", inputs: ["features", "head_w"], outputs: ["scores"] },
      { op: "Add", inputs: ["scores", "head_b"], outputs: ["colour_logits"] },
      // A colour word as the current token makes the end-of-sequence token win.
      slice("inputs_embeds", "flag_start", "flag_end", "flag"),
      { op: "MatMul", inputs: ["flag", "eos_w"], outputs: ["stop"] },
      { op: "Add", inputs: ["colour_logits", "stop"], outputs: ["logits"] },
    ],
  };
}
