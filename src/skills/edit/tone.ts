import type { Matrix3x3, Sharp } from "sharp";
import type { Op } from "./schema.js";

/** The colour and tone adjustments a phone's photo editor has, as sharp pipelines. */
type ToneOp = Extract<Op, { op: "brightness" | "contrast" | "saturation" | "warmth" | "tint" }>;

/** Rec. 709 luma weights: every channel gets the same grey, so no colour is left. */
const LUMA: [number, number, number] = [0.2126, 0.7152, 0.0722];

const SEPIA: Matrix3x3 = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
];

export function applyTone(img: Sharp, op: ToneOp): Sharp {
  const k = op.amount / 100;
  switch (op.op) {
    case "brightness":
      // A gain on every colour channel (alpha is left alone): an exposure change, as phones do it.
      return img.linear([Math.max(0.02, 1 + k), Math.max(0.02, 1 + k), Math.max(0.02, 1 + k)], [0, 0, 0]);
    case "contrast": {
      // Steeper or flatter around mid-grey.
      const slope = Math.max(0, 1 + k);
      const offset = 128 * (1 - slope);
      return img.linear([slope, slope, slope], [offset, offset, offset]);
    }
    case "saturation":
      return img.modulate({ saturation: Math.max(0, 1 + k) });
    case "warmth":
      // Towards amber (more red, less blue) or towards blue.
      return img.linear([1 + 0.3 * k, 1 + 0.05 * k, 1 - 0.3 * k], [0, 0, 0]);
    case "tint":
      // Towards magenta (less green) or towards green.
      return img.linear([1 + 0.05 * k, 1 - 0.15 * k, 1 + 0.05 * k], [0, 0, 0]);
  }
}

export function grayscale(img: Sharp): Sharp {
  // A recomb keeps three channels, so the steps after it still see an RGB image.
  return img.recomb([LUMA, LUMA, LUMA]);
}

export function sepia(img: Sharp): Sharp {
  return img.recomb(SEPIA);
}

/** Unsharp mask: a wider radius for a stronger amount. */
export function sharpen(img: Sharp, amount: number): Sharp {
  return img.sharpen({ sigma: 0.5 + (2 * amount) / 100, m1: 1, m2: 2 + (2 * amount) / 100 });
}
