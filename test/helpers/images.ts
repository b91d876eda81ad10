import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import type { ModelImage } from "../../src/core/model-port.js";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/images");

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export const SWATCHES = {
  red: { r: 215, g: 35, b: 40 },
  green: { r: 30, g: 190, b: 60 },
  blue: { r: 25, g: 50, b: 220 },
  white: { r: 248, g: 246, b: 240 },
  black: { r: 12, g: 10, b: 14 },
} as const;

/** A mostly-`colour` PNG with deterministic noise and a grey stripe, so it is not a flat fill. */
export async function colourPhoto(colour: keyof typeof SWATCHES, width = 160, height = 120): Promise<Buffer> {
  const { r, g, b } = SWATCHES[colour];
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed % 21) - 10;
  };
  const clamp = (v: number) => Math.max(0, Math.min(255, v));
  for (let y = 0; y < height; y++) {
    const stripe = y > height * 0.8 && y < height * 0.88;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = stripe ? 128 : clamp(r + noise());
      pixels[i + 1] = stripe ? 128 : clamp(g + noise());
      pixels[i + 2] = stripe ? 128 : clamp(b + noise());
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export async function asModelImage(bytes: Buffer): Promise<ModelImage> {
  const meta = await sharp(bytes).metadata();
  return {
    bytes,
    mime: meta.format === "png" ? "image/png" : "image/jpeg",
    width: meta.width ?? 0,
    height: meta.height ?? 0,
  };
}

/** A photo of gaussian noise over a colour: it compresses like a detailed photo does. */
export async function noisyPhoto(o: {
  width: number;
  height: number;
  background: string;
  mean: number;
  sigma: number;
  quality: number;
}): Promise<Buffer> {
  return sharp({
    create: {
      width: o.width,
      height: o.height,
      channels: 3,
      background: o.background,
      noise: { type: "gaussian", mean: o.mean, sigma: o.sigma },
    },
  })
    .jpeg({ quality: o.quality })
    .toBuffer();
}

/**
 * Mean absolute per-channel change (0-255) between two images of the same size inside a box: a
 * drawn mark moves it far, JPEG re-encoding alone a little. A mean over the box would not do, since
 * a dark band with white text can keep the average.
 */
export async function changeIn(
  before: Buffer,
  after: Buffer,
  box: { left: number; top: number; width: number; height: number },
): Promise<number> {
  const a = await sharp(before).removeAlpha().extract(box).raw().toBuffer();
  const b = await sharp(after).removeAlpha().extract(box).raw().toBuffer();
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}
