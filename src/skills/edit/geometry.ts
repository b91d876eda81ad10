import sharp, { type Sharp } from "sharp";
import type { Op } from "./schema.js";

export function parseAspect(aspect: string): number {
  const [w = "1", h = "1"] = aspect.split(":");
  return Number(w) / Number(h);
}

/** The largest window of the given aspect ratio that fits inside width × height. */
function cropSize(width: number, height: number, ratio: number): { width: number; height: number } {
  if (width / height > ratio) return { width: Math.max(1, Math.round(height * ratio)), height };
  return { width, height: Math.max(1, Math.round(width / ratio)) };
}

/**
 * How much of a w × h photo turned by `degrees` can be kept at the same aspect ratio with no
 * empty corner: the kept window, turned back, must fit inside the original photo.
 */
function straightenScale(width: number, height: number, degrees: number): number {
  const a = (Math.abs(degrees) * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return Math.min(width / (width * cos + height * sin), height / (width * sin + height * cos));
}

type GeometryOp = Extract<Op, { op: "crop" | "resize" | "rotate" | "flip" }>;

export function applyGeometry(img: Sharp, op: GeometryOp, size: { width: number; height: number }): Sharp {
  switch (op.op) {
    case "crop": {
      const window = cropSize(size.width, size.height, parseAspect(op.aspect));
      const position =
        op.strategy === "attention"
          ? sharp.strategy.attention
          : op.strategy === "entropy"
            ? sharp.strategy.entropy
            : "centre";
      return img.resize(window.width, window.height, { fit: "cover", position });
    }
    case "resize":
      return op.height
        ? img.resize(op.width, op.height, { fit: "cover", position: sharp.strategy.attention })
        : img.resize({ width: op.width, withoutEnlargement: false });
    case "rotate":
      return img.rotate(op.degrees);
    case "flip":
      // sharp's flop mirrors left to right; its flip turns top to bottom.
      return op.axis === "horizontal" ? img.flop() : img.flip();
  }
}

/**
 * The turn itself, then the centred window of the original aspect that holds only photo. One
 * pixel more is taken off each side, where the turned edge is blended with the background.
 */
export async function straighten(
  input: Buffer,
  size: { width: number; height: number },
  degrees: number,
): Promise<Sharp> {
  const turned = await sharp(input)
    .rotate(degrees, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png({ compressionLevel: 0 })
    .toBuffer({ resolveWithObject: true });
  const scale = straightenScale(size.width, size.height, degrees);
  const width = Math.max(1, Math.floor(size.width * scale) - 2);
  const height = Math.max(1, Math.floor(size.height * scale) - 2);
  return sharp(turned.data).extract({
    left: Math.floor((turned.info.width - width) / 2),
    top: Math.floor((turned.info.height - height) / 2),
    width,
    height,
  });
}
