import { RawImage } from "@huggingface/transformers";
import sharp from "sharp";
import type { ModelImage } from "../core/model-port.js";
import { type CopySize, resized } from "./model-copy.js";

/** ModelImage → transformers.js's RawImage, from raw RGB pixels (no file round-trip), shrunk to `size` when given. */
export async function toRawImage(image: ModelImage, size?: CopySize): Promise<RawImage> {
  const pipeline = size ? resized(image, size) : sharp(image.bytes).removeAlpha();
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return new RawImage(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
    3,
  );
}
