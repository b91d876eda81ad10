import sharp, { type Sharp } from "sharp";
import { CodedError, ErrorCode } from "../../errors.js";
import { logger } from "../../log.js";
import { describeOp } from "./describe.js";
import { applyGeometry, parseAspect, straighten } from "./geometry.js";
import { LOOKS } from "./looks.js";
import { textOverlay, vignetteOverlay } from "./overlay.js";
import { type EditOp, editOpSchema, type Op } from "./schema.js";
import { applySubjectOp, type SubjectFinder, subjectCrop } from "./subject.js";
import { applyTone, grayscale, sepia, sharpen } from "./tone.js";

export { parseAspect } from "./geometry.js";
export type { EditOp } from "./schema.js";
export type { SubjectFinder } from "./subject.js";

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

async function applyOne(current: Pixels, op: Op, find?: SubjectFinder): Promise<Pixels> {
  const img = sharp(current.data);
  switch (op.op) {
    case "background":
    case "cropSubject":
      if (!find) throw new CodedError(ErrorCode.BadRequest, `I can't do “${describeOp(op)}” here.`);
      return materialise(await applySubjectOp(current, op, find));
    case "crop":
      if (op.strategy === "subject") return materialise(await cropToSubject(current, op.aspect, find));
      return materialise(applyGeometry(img, op, current));
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
 * A crop of `aspect` around the subject; the attention heuristic when there is no finder, it
 * fails (the tool's model is missing) or it finds no subject, so a post never fails for it.
 */
async function cropToSubject(current: Pixels, aspect: string, find?: SubjectFinder) {
  const window = find
    ? await subjectCrop(current, parseAspect(aspect), find).catch((err: unknown) => {
        logger().warn({ err }, "subject crop fell back to attention");
        return undefined;
      })
    : undefined;
  if (window) return sharp(current.data).extract(window);
  return applyGeometry(sharp(current.data), { op: "crop", aspect, strategy: "attention" }, current);
}

/**
 * Applies edits in order to an image: orientation first, metadata (EXIF, GPS) never copied to the
 * output. JPEG out unless the source has transparency.
 */
export async function applyEdits(
  input: Buffer,
  ops: EditOp[],
  output: { quality?: number } = {},
  /** Where the subject is, for background and subject-crop edits. */
  find?: SubjectFinder,
): Promise<EditedImage> {
  const parsed = ops.map((o) => editOpSchema.parse(o));
  const meta = await sharp(input).metadata();
  // sRGB from the start, so a grey photo still has the colour channels warmth or sepia work on.
  let current = await materialise(sharp(input).autoOrient().toColourspace("srgb"));
  for (const op of parsed) current = await applyOne(current, op, find);
  // Transparency kept when the source has it or a step made it (background removed).
  const alpha = Boolean(meta.hasAlpha) || Boolean((await sharp(current.data).metadata()).hasAlpha);
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
