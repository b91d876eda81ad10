import { DataType, type Graph } from "../onnx.js";
import { GraphBuilder, unnormalise } from "./builder.js";
import { COLOUR_DISTANCE, COLOUR_GAIN, SHAPE_COLOURS } from "./colours.js";

/**
 * A tiny Grounding DINO in the shape of onnx-community/grounding-dino-tiny-ONNX: a BERT
 * tokenizer, GroundingDinoProcessor, and one graph taking pixel_values, input_ids,
 * token_type_ids, attention_mask and pixel_mask and returning logits [batch, queries, 256] and
 * pred_boxes [batch, queries, 4] (centre x, centre y, width, height, 0..1). Each query is one flat
 * colour: its box spans that colour's pixels, and it scores the tokens of every phrase (split at
 * "." as Grounding DINO prompts are) that names the colour, so "red square." boxes the red square
 * with the label "red square" and a colour that is absent scores nothing.
 */

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
/** Grounding DINO's text side is 256 positions wide whatever the prompt's length. */
const MAX_TEXT = 256;
/** Share of the image a colour must cover to count as found (stray pixels in photos do not). */
const MIN_SHARE = 0.002;

const SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;
const WORDS = [
  ".",
  ",",
  "a",
  "an",
  "the",
  "every",
  "all",
  "and",
  "of",
  "square",
  "circle",
  "rectangle",
  "triangle",
  "shape",
  "box",
  "object",
  "thing",
  "person",
  "dog",
  "cat",
  "mug",
  "subject",
  "##s",
];

const VOCAB: string[] = [...SPECIALS, ...WORDS, ...SHAPE_COLOURS.flatMap((c) => c.words)];
const id = (token: string) => VOCAB.indexOf(token);

function tokenizerFiles(): Record<string, unknown> {
  const added = SPECIALS.map((content, i) => ({
    id: i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    "tokenizer_config.json": {
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
      model_max_length: 512,
    },
    "special_tokens_map.json": {
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
    },
    "tokenizer.json": {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: added,
      normalizer: {
        type: "BertNormalizer",
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: "BertPreTokenizer" },
      post_processor: { type: "BertProcessing", sep: ["[SEP]", id("[SEP]")], cls: ["[CLS]", id("[CLS]")] },
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      model: {
        type: "WordPiece",
        unk_token: "[UNK]",
        continuing_subword_prefix: "##",
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
      },
    },
  };
}

export function groundingDinoFiles(): Record<string, unknown> {
  return {
    "config.json": {
      architectures: ["GroundingDinoForObjectDetection"],
      model_type: "grounding-dino",
      num_queries: SHAPE_COLOURS.length,
      max_text_len: MAX_TEXT,
      d_model: 8,
      text_config: { model_type: "bert", vocab_size: VOCAB.length, hidden_size: 8 },
      backbone_config: { model_type: "swin", image_size: 224 },
      "llava-bot": { purpose: "offline test model: boxes the flat-coloured shapes its text names by colour" },
    },
    "preprocessor_config.json": {
      image_processor_type: "GroundingDinoImageProcessor",
      processor_class: "GroundingDinoProcessor",
      do_convert_rgb: true,
      do_normalize: true,
      do_pad: true,
      do_rescale: true,
      do_resize: true,
      format: "coco_detection",
      image_mean: MEAN,
      image_std: STD,
      resample: 2,
      rescale_factor: 1 / 255,
      // The checkpoint's 800/1333, scaled down: the test model runs on CPU in every test.
      size: { shortest_edge: 320, longest_edge: 533 },
    },
    ...tokenizerFiles(),
  };
}

export function groundingDinoGraph(): Graph {
  const g = new GraphBuilder("model");
  const K = SHAPE_COLOURS.length;
  const rgb = unnormalise(g, "pixel_values", MEAN, STD); // [B,3,H,W]

  // Per colour, how surely each pixel is it: [B,K,H,W].
  const ref = g.f32(
    SHAPE_COLOURS.flatMap((c) => [...c.rgb]),
    [1, K, 3, 1, 1],
  );
  const dist = g.sum(g.op("Abs", [g.sub(g.unsqueeze(rgb, [1]), ref)]), [2]);
  const mask = g.sigmoid(g.mul(g.sub(g.f32([COLOUR_DISTANCE], []), dist), g.f32([COLOUR_GAIN], [])));

  // Found when it covers enough of the image: logit +4 found, -4 not.
  const share = g.reduce("ReduceMean", mask, [2, 3]); // [B,K]
  const present = g.sigmoid(g.mul(g.sub(share, g.f32([MIN_SHARE], [])), g.f32([5000], [])));
  const found = g.sub(g.mul(present, g.f32([8], [])), g.f32([4], []));

  // Box edges: the extreme pixel edges the colour reaches, 0..1 of the processed image.
  const h = g.dim("pixel_values", 2);
  const w = g.dim("pixel_values", 3);
  const edges = (n: string, axes: number[]) => {
    const r = g.range(n);
    return {
      lo: g.unsqueeze(g.div(r, n), axes),
      hi: g.unsqueeze(g.div(g.add(r, g.f32([1], [])), n), axes),
    };
  };
  const one = g.f32([1], []);
  const xs = edges(w, [0, 1, 2]); // [1,1,1,W]
  const ys = edges(h, [0, 1, 3]); // [1,1,H,1]
  const far = (e: string) => g.reduce("ReduceMax", g.mul(mask, e), [2, 3]);
  const near = (e: string) => g.sub(one, far(g.sub(one, e)));
  const x0 = near(xs.lo);
  const x1 = far(xs.hi);
  const y0 = near(ys.lo);
  const y1 = far(ys.hi);
  const half = g.f32([0.5], []);
  const box = [g.mul(g.add(x0, x1), half), g.mul(g.add(y0, y1), half), g.sub(x1, x0), g.sub(y1, y0)];
  g.concat(
    box.map((b) => g.unsqueeze(b, [2])),
    2,
    "pred_boxes",
  );

  // Text: which tokens belong to a phrase naming each colour.
  const colourOf = new Array(VOCAB.length * K).fill(0);
  for (const [k, c] of SHAPE_COLOURS.entries()) for (const word of c.words) colourOf[id(word) * K + k] = 1;
  const named = g.op(
    "Transpose",
    [g.op("Gather", [g.f32(colourOf, [VOCAB.length, K]), "input_ids"])],
    [{ name: "perm", ints: [0, 2, 1] }],
  ); // [B,K,T]
  const separator = VOCAB.map((t) => (t === "." || SPECIALS.includes(t as never) ? 1 : 0));
  const sep = g.op("Gather", [g.f32(separator, [VOCAB.length]), "input_ids"]); // [B,T]
  const attended = g.cast("attention_mask", DataType.FLOAT);
  const word = g.mul(g.sub(one, sep), attended);
  const phrase = g.op("CumSum", [sep, g.i64([1], [])]); // phrase number per token
  const same = g.cast(g.op("Equal", [g.unsqueeze(phrase, [2]), g.unsqueeze(phrase, [1])]), DataType.FLOAT); // [B,T,T]
  const inNamedPhrase = g.op("Min", [g.op("MatMul", [named, same]), one]); // [B,K,T]
  const on = g.mul(inNamedPhrase, g.unsqueeze(word, [1]));
  const off = g.f32([-100], []);
  const tokenLogits = g.add(g.mul(on, g.sub(g.unsqueeze(found, [2]), off)), off);
  // Padded out to the 256 text positions the real model always returns.
  const t = g.op("Gather", [g.op("Shape", ["input_ids"]), g.i64([1])], [{ name: "axis", int: 0 }]);
  const pads = g.concat([g.i64([0, 0, 0, 0, 0]), g.sub(g.i64([MAX_TEXT]), t)], 0);
  g.op("Pad", [tokenLogits, pads, off], [], "logits");

  const f = DataType.FLOAT;
  const i = DataType.INT64;
  return g.graph(
    [
      { name: "pixel_values", type: f, shape: ["batch_size", 3, "height", "width"] },
      { name: "input_ids", type: i, shape: ["batch_size", "sequence_length"] },
      { name: "token_type_ids", type: i, shape: ["batch_size", "sequence_length"] },
      { name: "attention_mask", type: i, shape: ["batch_size", "sequence_length"] },
      { name: "pixel_mask", type: i, shape: ["batch_size", "height", "width"] },
    ],
    [
      { name: "logits", type: f, shape: ["batch_size", "num_queries", MAX_TEXT] },
      { name: "pred_boxes", type: f, shape: ["batch_size", "num_queries", 4] },
    ],
  );
}
