import sharp, { type Sharp } from "sharp";
import { describeOp } from "./describe.js";
import { applyGeometry, straighten } from "./geometry.js";
import { LOOKS } from "./looks.js";
import { textOverlay, vignetteOverlay } from "./overlay.js";
import { type EditOp, editOpSchema, type Op } from "./schema.js";
import { applyTone, grayscale, sepia, sharpen } from "./tone.js";

export { parseAspect } from "./geometry.js";
export type { EditOp } from "./schema.js";

export interface EditedImage {
  bytes: Buffer;
  width: number;
  height: number;
  mime: "image/jpeg" | "image/png";
  /** What was done, in words, e.g. ["autumn look", "cropped to 4:5"]. */
  applied: string[];
}

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

async function materialise(img: Sharp): Promise<Pixels> {
  // Each step works on the previous step's real pixels, so sizes are always known.
  const { data, info } = await img.png({ compressionLevel: 0 }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function applyOne(current: Pixels, op: Op): Promise<Pixels> {
  const img = sharp(current.data);
  switch (op.op) {
    case "crop":
    case "resize":
    case "rotate":
    case "flip":
      return materialise(applyGeometry(img, op, current));
    case "straighten":
      return materialise(await straighten(current.data, current, op.degrees));
    case "enhance":
      return materialise(
        img.normalise({ lower: 1, upper: 99 }).modulate({ saturation: 1.12 }).sharpen({ sigma: 0.8 }),
      );
    case "look":
      return materialise(LOOKS[op.name as keyof typeof LOOKS](img));
    case "blur":
      return materialise(img.blur(op.sigma));
    case "brightness":
    case "contrast":
    case "saturation":
    case "warmth":
    case "tint":
      return materialise(applyTone(img, op));
    case "grayscale":
      return materialise(grayscale(img));
    case "sepia":
      return materialise(sepia(img));
    case "sharpen":
      return materialise(sharpen(img, op.amount));
    case "vignette":
      return materialise(img.composite([await vignetteOverlay(current.width, current.height, op.amount)]));
    case "caption":
    case "watermark":
      return materialise(img.composite([await textOverlay(op.text, current.width, current.height, op.op)]));
  }
}

/**
 * Applies edits in order to an image: orientation first, metadata (EXIF, GPS) never copied to the
 * output. JPEG out unless the source has transparency.
 */
export async function applyEdits(
  input: Buffer,
  ops: EditOp[],
  output: { quality?: number } = {},
): Promise<EditedImage> {
  const parsed = ops.map((o) => editOpSchema.parse(o));
  const meta = await sharp(input).metadata();
  // sRGB from the start, so a grey photo still has the colour channels warmth or sepia work on.
  let current = await materialise(sharp(input).autoOrient().toColourspace("srgb"));
  for (const op of parsed) current = await applyOne(current, op);
  const alpha = Boolean(meta.hasAlpha);
  const encoder = sharp(current.data);
  // sharp writes no EXIF/XMP/ICC unless asked (withMetadata), so GPS and camera data are dropped here.
  const bytes = alpha
    ? await encoder.png().toBuffer()
    : await encoder.jpeg({ quality: output.quality ?? 88, mozjpeg: true }).toBuffer();
  return {
    bytes,
    width: current.width,
    height: current.height,
    mime: alpha ? "image/png" : "image/jpeg",
    applied: parsed.map(describeOp),
  };
}
