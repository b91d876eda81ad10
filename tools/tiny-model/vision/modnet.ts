import { DataType, type Graph } from "../onnx.js";
import { GraphBuilder, unnormalise } from "./builder.js";
import { COLOUR_DISTANCE, COLOUR_GAIN } from "./colours.js";

/**
 * A tiny MODNet in the shape of Xenova/modnet: model_type "modnet" (which transformers.js's
 * background-removal pipeline runs as a plain segmentation model), one graph onnx/model.onnx from
 * "input" [B, 3, H, W] to "output" [B, 1, H, W], a matte in 0..1. The background is the colour of
 * the image's four corners; every pixel not of that colour is foreground.
 */

const MEAN = [0.5, 0.5, 0.5];
const STD = [0.5, 0.5, 0.5];

export function modnetFiles(): Record<string, unknown> {
  return {
    "config.json": {
      architectures: ["MODNet"],
      model_type: "modnet",
      "llava-bot": { purpose: "offline test model: keeps whatever differs from the flat background" },
    },
    "preprocessor_config.json": {
      feature_extractor_type: "ImageFeatureExtractor",
      do_normalize: true,
      do_pad: false,
      do_rescale: true,
      do_resize: true,
      image_mean: MEAN,
      image_std: STD,
      resample: 2,
      rescale_factor: 1 / 255,
      // The checkpoint's 512, scaled down for CPU tests.
      size: { shortest_edge: 256 },
      size_divisibility: 32,
    },
  };
}

export function modnetGraph(): Graph {
  const g = new GraphBuilder("model");
  const rgb = unnormalise(g, "input", MEAN, STD); // [B,3,H,W]
  const corner = (ys: [number, number], xs: [number, number]) =>
    g.slice(g.slice(rgb, 2, ys[0], ys[1]), 3, xs[0], xs[1]); // [B,3,1,1]
  const end = -1;
  const big = 1 << 30;
  const corners = [
    corner([0, 1], [0, 1]),
    corner([0, 1], [end, big]),
    corner([end, big], [0, 1]),
    corner([end, big], [end, big]),
  ];
  const background = g.mul(
    corners.reduce((a, b) => g.add(a, b)),
    g.f32([0.25], []),
  );
  const dist = g.sum(g.op("Abs", [g.sub(rgb, background)]), [1], true); // [B,1,H,W]
  g.op("Sigmoid", [g.mul(g.sub(dist, g.f32([COLOUR_DISTANCE], [])), g.f32([COLOUR_GAIN], []))], [], "output");
  const f = DataType.FLOAT;
  return g.graph(
    [{ name: "input", type: f, shape: ["batch_size", 3, "height", "width"] }],
    [{ name: "output", type: f, shape: ["batch_size", 1, "height", "width"] }],
  );
}
