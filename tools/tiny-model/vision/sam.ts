import { DataType, type Graph } from "../onnx.js";
import { GraphBuilder, unnormalise } from "./builder.js";
import { COLOUR_DISTANCE, COLOUR_GAIN } from "./colours.js";

/**
 * A tiny SAM in the shape of Xenova/slimsam-77-uniform: SamImageProcessor (longest edge, padded
 * square), onnx/vision_encoder.onnx (pixel_values → image_embeddings, image_positional_embeddings)
 * and onnx/prompt_encoder_mask_decoder.onnx (those two, input_points [B, P, N, 2] and input_labels
 * [B, P, N] → pred_masks [B, P, 3, h, w] logits and iou_scores [B, P, 3]). The embeddings are the
 * image's own colours and pixel coordinates; the mask is the pixels with the colour found at the
 * prompt (the positive points' centre, else the box's), kept within a margin of the box when one is
 * given as SAM's corner points (labels 2 and 3).
 */

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
/** The checkpoint's 1024, scaled down for CPU tests. */
const SIDE = 256;
/** How far outside the prompt box (processed pixels) the mask may still reach. */
const BOX_MARGIN = 6;

export function samFiles(): Record<string, unknown> {
  return {
    "config.json": {
      architectures: ["SamModel"],
      model_type: "sam",
      vision_config: { model_type: "", image_size: SIDE, patch_size: 1, output_channels: 3 },
      prompt_encoder_config: { model_type: "", image_size: SIDE, image_embedding_size: SIDE },
      mask_decoder_config: { model_type: "", num_multimask_outputs: 3 },
      "llava-bot": { purpose: "offline test model: masks the flat colour under the prompt" },
    },
    "preprocessor_config.json": {
      image_processor_type: "SamImageProcessor",
      processor_class: "SamProcessor",
      do_convert_rgb: true,
      do_normalize: true,
      do_pad: true,
      do_rescale: true,
      do_resize: true,
      image_mean: MEAN,
      image_std: STD,
      pad_size: { height: SIDE, width: SIDE },
      resample: 2,
      rescale_factor: 1 / 255,
      size: { longest_edge: SIDE },
    },
  };
}

export function samVisionEncoder(): Graph {
  const g = new GraphBuilder("vision_encoder");
  const rgb = unnormalise(g, "pixel_values", MEAN, STD);
  g.op("Identity", [rgb], [], "image_embeddings");
  // Pixel-centre coordinates (x, y) in processed pixels, as many as the batch.
  const side = g.f32([SIDE], []);
  const centres = g.add(g.range(side), g.f32([0.5], []));
  const zero = g.mul(g.slice(rgb, 1, 0, 1), g.f32([0], [])); // [B,1,S,S] zeros
  const x = g.add(zero, g.unsqueeze(centres, [0, 1, 2]));
  const y = g.add(zero, g.unsqueeze(centres, [0, 1, 3]));
  g.concat([x, y], 1, "image_positional_embeddings");
  const f = DataType.FLOAT;
  return g.graph(
    [{ name: "pixel_values", type: f, shape: ["batch_size", 3, SIDE, SIDE] }],
    [
      { name: "image_embeddings", type: f, shape: ["batch_size", 3, SIDE, SIDE] },
      { name: "image_positional_embeddings", type: f, shape: ["batch_size", 2, SIDE, SIDE] },
    ],
  );
}

export function samDecoder(): Graph {
  const g = new GraphBuilder("prompt_encoder_mask_decoder");
  const one = g.f32([1], []);
  const labels = g.cast("input_labels", DataType.FLOAT); // [B,P,N]
  const is = (label: number) => g.cast(g.op("Equal", [labels, g.f32([label], [])]), DataType.FLOAT);
  const positive = is(1);
  const topLeft = is(2);
  const bottomRight = is(3);
  // Σ over the points of weight × point: [B,P,2].
  const weighted = (w: string) => g.sum(g.mul("input_points", g.unsqueeze(w, [3])), [2]);
  const count = (w: string) => g.sum(w, [2], true); // [B,P,1]
  const hasPositive = g.op("Min", [count(positive), one]);
  const hasBox = g.op("Min", [count(topLeft), one]);
  const positiveCentre = g.div(weighted(positive), g.op("Max", [count(positive), g.f32([1e-6], [])]));
  const corner0 = weighted(topLeft);
  const corner1 = weighted(bottomRight);
  const boxCentre = g.mul(g.add(corner0, corner1), g.f32([0.5], []));
  const centre = g.add(g.mul(hasPositive, positiveCentre), g.mul(g.sub(one, hasPositive), boxCentre));

  // The colour at the centre: a 1-pixel Gaussian average of the embeddings there.
  const coord = (c: string, axis: number) => g.unsqueeze(g.slice(c, 2, axis, axis + 1), [3]); // [B,P,1,1]
  const px = g.slice("image_positional_embeddings", 1, 0, 1); // [B,1,S,S]
  const py = g.slice("image_positional_embeddings", 1, 1, 2);
  const sq = (a: string) => g.mul(a, a);
  const near = g.op("Exp", [
    g.mul(g.add(sq(g.sub(px, coord(centre, 0))), sq(g.sub(py, coord(centre, 1)))), g.f32([-0.5], [])),
  ]); // [B,P,S,S]
  const rgb = g.unsqueeze("image_embeddings", [1]); // [B,1,3,S,S]
  const colour = g.div(
    g.sum(g.mul(g.unsqueeze(near, [2]), rgb), [3, 4], true),
    g.unsqueeze(g.sum(near, [2, 3], true), [2]),
  ); // [B,P,3,1,1]
  const dist = g.sum(g.op("Abs", [g.sub(rgb, colour)]), [2]); // [B,P,S,S]
  const match = g.mul(g.sub(g.f32([COLOUR_DISTANCE], []), dist), g.f32([COLOUR_GAIN], []));

  // Inside the box (plus a margin) when one is given: a signed distance, positive inside.
  const margin = g.f32([BOX_MARGIN], []);
  const inside = [
    g.sub(px, g.sub(coord(corner0, 0), margin)),
    g.sub(g.add(coord(corner1, 0), margin), px),
    g.sub(py, g.sub(coord(corner0, 1), margin)),
    g.sub(g.add(coord(corner1, 1), margin), py),
  ].reduce((a, b) => g.op("Min", [a, b]));
  const boxGate = g.unsqueeze(hasBox, [3]); // [B,P,1,1]
  const region = g.add(g.mul(boxGate, inside), g.mul(g.sub(one, boxGate), g.f32([1000], [])));
  const logit = g.op("Min", [match, g.mul(region, g.f32([COLOUR_GAIN], []))]); // [B,P,S,S]

  const three = (x: string, axis: number, name: string) => g.concat([x, x, x], axis, name);
  three(g.unsqueeze(logit, [2]), 2, "pred_masks");
  const best = g.reduce("ReduceMax", g.sigmoid(logit), [2, 3]); // [B,P]
  const score = g.mul(g.unsqueeze(best, [2]), g.f32([0.95], [])); // [B,P,1]
  three(score, 2, "iou_scores");

  const f = DataType.FLOAT;
  return g.graph(
    [
      { name: "image_embeddings", type: f, shape: ["batch_size", 3, SIDE, SIDE] },
      { name: "image_positional_embeddings", type: f, shape: ["batch_size", 2, SIDE, SIDE] },
      { name: "input_points", type: f, shape: ["batch_size", "point_batch_size", "num_points", 2] },
      { name: "input_labels", type: DataType.INT64, shape: ["batch_size", "point_batch_size", "num_points"] },
    ],
    [
      { name: "iou_scores", type: f, shape: ["batch_size", "point_batch_size", 3] },
      { name: "pred_masks", type: f, shape: ["batch_size", "point_batch_size", 3, SIDE, SIDE] },
    ],
  );
}
