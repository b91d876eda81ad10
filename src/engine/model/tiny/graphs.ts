import { DataType, type Graph, type Tensor } from "./onnx.js";
import { COLOURS, tokenId, VOCAB } from "./vocab.js";

/**
 * The three ONNX graphs of the tiny LLaVA. Hidden size 8:
 *   dims 0-2  mean R, G, B of the image (0..1), written only by the vision encoder
 *   dim 3     1 for an image token
 *   dim 4     1 for a colour word (so the step after a colour word ends the answer)
 * The decoder keeps every step's embedding in its KV cache and reads the image evidence back
 * with a max over the sequence, so decode steps that only see the new token still know the colour.
 */
export const HIDDEN = 8;
export const IMAGE_SIZE = 32;
const V = VOCAB.length;

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

export function visionEncoder(): Graph {
  // Identity into dims 0-2, plus the image flag in dim 3.
  const w = new Array(3 * HIDDEN).fill(0);
  for (let c = 0; c < 3; c++) w[c * HIDDEN + c] = 1;
  const b = new Array(HIDDEN).fill(0);
  b[3] = 1;
  return {
    name: "vision_encoder",
    inputs: [{ name: "pixel_values", type: DataType.FLOAT, shape: ["batch_size", 3, "height", "width"] }],
    outputs: [{ name: "image_features", type: DataType.FLOAT, shape: ["batch_size", 1, HIDDEN] }],
    initializers: [f32("proj_w", [3, HIDDEN], w), f32("proj_b", [HIDDEN], b), i64("axis1", [1], [1])],
    nodes: [
      {
        op: "ReduceMean",
        inputs: ["pixel_values"],
        outputs: ["rgb"],
        attrs: [
          { name: "axes", ints: [2, 3] },
          { name: "keepdims", int: 0 },
        ],
      },
      { op: "MatMul", inputs: ["rgb", "proj_w"], outputs: ["proj"] },
      { op: "Add", inputs: ["proj", "proj_b"], outputs: ["feat"] },
      { op: "Unsqueeze", inputs: ["feat", "axis1"], outputs: ["image_features"] },
    ],
  };
}

export function embedTokens(): Graph {
  const table = new Array(V * HIDDEN).fill(0);
  for (const c of COLOURS) table[tokenId(c) * HIDDEN + 4] = 1;
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
function colourHead(): { w: number[]; b: number[] } {
  const w = new Array(5 * V).fill(0);
  const b = new Array(V).fill(-100);
  const set = (row: number, col: number, v: number) => {
    w[row * V + col] = v;
  };
  const [red, green, blue, white, black] = COLOURS.map(tokenId) as [number, number, number, number, number];
  for (const [i, id] of [red, green, blue].entries()) {
    for (let c = 0; c < 3; c++) set(c, id, c === i ? 2 : -1);
    b[id] = 0;
  }
  set(4, white, 3);
  b[white] = -1.5;
  set(3, black, -3);
  b[black] = 1.5;
  b[tokenId("</s>")] = -50;
  return { w, b };
}

export function decoder(): Graph {
  const { w, b } = colourHead();
  const eos = new Array(V).fill(0);
  eos[tokenId("</s>")] = 1000;
  const kv = (name: string, seq: string) => ({
    name,
    type: DataType.FLOAT,
    shape: ["batch_size", 1, seq, HIDDEN],
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
      i64("axis1", [1], [1]),
      i64("rgb_start", [1], [0]),
      i64("rgb_end", [1], [3]),
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
      // Evidence seen anywhere in the conversation so far: [B, 1, HIDDEN]
      {
        op: "ReduceMax",
        inputs: ["present.0.key"],
        outputs: ["seen"],
        attrs: [
          { name: "axes", ints: [2] },
          { name: "keepdims", int: 0 },
        ],
      },
      { op: "Slice", inputs: ["seen", "rgb_start", "rgb_end", "last_axis"], outputs: ["rgb"] },
      {
        op: "ReduceMax",
        inputs: ["rgb"],
        outputs: ["mx"],
        attrs: [
          { name: "axes", ints: [2] },
          { name: "keepdims", int: 1 },
        ],
      },
      {
        op: "ReduceMin",
        inputs: ["rgb"],
        outputs: ["mn"],
        attrs: [
          { name: "axes", ints: [2] },
          { name: "keepdims", int: 1 },
        ],
      },
      { op: "Concat", inputs: ["rgb", "mx", "mn"], outputs: ["features"], attrs: [{ name: "axis", int: 2 }] },
      { op: "MatMul", inputs: ["features", "head_w"], outputs: ["scores"] },
      { op: "Add", inputs: ["scores", "head_b"], outputs: ["colour_logits"] },
      // A colour word as the current token makes the end-of-sequence token win.
      { op: "Slice", inputs: ["inputs_embeds", "flag_start", "flag_end", "last_axis"], outputs: ["flag"] },
      { op: "MatMul", inputs: ["flag", "eos_w"], outputs: ["stop"] },
      { op: "Add", inputs: ["colour_logits", "stop"], outputs: ["logits"] },
    ],
  };
}
