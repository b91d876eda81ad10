import { Tensor } from "@huggingface/transformers";
import { CodedError, ErrorCode } from "../../errors.js";

/**
 * LLaVA models merge one vision feature into each image token of the prompt, and transformers.js
 * insists the counts match. Only some processors expand the placeholder (LlavaProcessor does, with
 * its own arithmetic; LLaVA-OneVision and nanoLLaVA get a generic processor that does not), so the
 * backend always writes one placeholder per image and expands it here to the number of features
 * the vision encoder really returns.
 */

interface Ids {
  dims: number[];
  data: ArrayLike<bigint | number>;
}

/** The config fields that tell how many features a vision tower makes of one image. */
interface VisionConfig {
  vision_feature_select_strategy?: string;
  vision_config?: { model_type?: string; patch_size?: number };
}

/**
 * Features per image from the config, when the processor made one crop per image: one per patch
 * (a stride-p convolution over H×W), plus CLIP's class token unless the "default" strategy drops
 * it. Undefined when the config does not say (nanoLLaVA names only its tower) or the processor
 * tiled the image.
 */
export function featuresFromConfig(config: VisionConfig, pixelDims: number[]): number | undefined {
  const patch = config.vision_config?.patch_size;
  if (!patch || pixelDims.length !== 4) return undefined;
  const [, , h = 0, w = 0] = pixelDims;
  const patches = Math.floor(h / patch) * Math.floor(w / patch);
  if (patches < 1) return undefined;
  const classToken = /clip/i.test(config.vision_config?.model_type ?? "");
  return patches + (classToken && config.vision_feature_select_strategy !== "default" ? 1 : 0);
}

/**
 * Vision features per image: from the config when it tells, so no encoder pass is spent on
 * counting; otherwise measured once per pixel shape by running the encoder (kept for later calls).
 */
export function featureCounter(
  config: VisionConfig,
  encode: (pixels: unknown) => Promise<{ dims: number[] }>,
) {
  const known = new Map<string, number>();
  return async (pixelValues: { dims: number[] }, images: number): Promise<number> => {
    const key = pixelValues.dims.slice(1).join("x");
    const cached = known.get(key);
    if (cached !== undefined) return cached;
    const fromConfig = featuresFromConfig(config, pixelValues.dims);
    if (fromConfig !== undefined) {
      known.set(key, fromConfig);
      return fromConfig;
    }
    const out = await encode(pixelValues);
    const hidden = out.dims.at(-1) ?? 1;
    const total = out.dims.reduce((a, b) => a * b, 1) / hidden;
    const perImage = total / Math.max(1, images);
    if (!Number.isInteger(perImage) || perImage < 1)
      throw new CodedError(
        ErrorCode.Internal,
        `The vision encoder returned features of shape [${out.dims.join(", ")}] for ${images} image(s); cannot tell how many belong to each.`,
      );
    known.set(key, perImage);
    return perImage;
  };
}

/** input_ids with each image token repeated `perImage` times, and a matching attention mask. */
export function expandImageTokens(
  ids: Ids,
  imageTokenId: number,
  images: number,
  perImage: number,
): { input_ids: Tensor; attention_mask: Tensor } {
  const [batch] = ids.dims;
  if (batch !== 1) throw new CodedError(ErrorCode.Internal, "image token expansion expects one prompt");
  const token = BigInt(imageTokenId);
  const source = Array.from(ids.data, (v) => BigInt(v));
  const placeholders = source.filter((v) => v === token).length;
  if (placeholders !== images)
    throw new CodedError(
      ErrorCode.Internal,
      `The prompt has ${placeholders} image placeholder(s) for ${images} image(s); the chat template must place one per image.`,
    );
  const out: bigint[] = [];
  for (const v of source) {
    if (v === token) for (let i = 0; i < perImage; i++) out.push(token);
    else out.push(v);
  }
  return {
    input_ids: new Tensor("int64", BigInt64Array.from(out), [1, out.length]),
    attention_mask: new Tensor("int64", new BigInt64Array(out.length).fill(1n), [1, out.length]),
  };
}
