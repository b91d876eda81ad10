import { describe, expect, it } from "vitest";
import { autoDtypes } from "../../../src/engine/model/dtypes.js";

/** The ONNX files an onnx-community LLaVA repository ships: every part in every precision. */
const ONNX_COMMUNITY = new Set(
  ["vision_encoder", "embed_tokens", "decoder_model_merged"].flatMap((part) =>
    ["", "_fp16", "_q4", "_q4f16", "_quantized", "_int8", "_uint8", "_bnb4"].map((s) => `${part}${s}.onnx`),
  ),
);

describe("dtype auto", () => {
  it("takes q8 vision and embeddings with a q4 decoder on CPU, fp16 on CUDA", () => {
    expect(autoDtypes(ONNX_COMMUNITY, "cpu")).toEqual({
      vision_encoder: "q8",
      embed_tokens: "q8",
      decoder_model_merged: "q4",
    });
    expect(autoDtypes(ONNX_COMMUNITY, "cuda")).toEqual({
      vision_encoder: "fp16",
      embed_tokens: "fp16",
      decoder_model_merged: "fp16",
    });
  });

  it("picks per file among what is there, and fp32 when that is all", () => {
    const mixed = new Set([
      "vision_encoder.onnx",
      "vision_encoder_fp16.onnx",
      "embed_tokens.onnx",
      "decoder_model_merged_quantized.onnx",
    ]);
    expect(autoDtypes(mixed, "cpu")).toEqual({
      vision_encoder: "fp32",
      embed_tokens: "fp32",
      decoder_model_merged: "q8",
    });
    expect(autoDtypes(mixed, "cuda")).toEqual({
      vision_encoder: "fp16",
      embed_tokens: "fp32",
      decoder_model_merged: "q8",
    });
    expect(autoDtypes(new Set(["README.md"]), "cpu")).toBeUndefined();
  });
});
