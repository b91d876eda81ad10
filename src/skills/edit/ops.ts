import { fileURLToPath } from "node:url";
import sharp, { type OverlayOptions, type Sharp } from "sharp";
import { z } from "zod";
import { LOOK_NAMES, LOOKS } from "./looks.js";

/** Edit operations, applied in order. Every one is a real pixel operation on the user's photo. */
const editOpSchema = z.discriminatedUnion("op", [
  z.object({
    op: z.literal("crop"),
    aspect: z.string().regex(/^\d+(\.\d+)?:\d+(\.\d+)?$/),
    strategy: z.enum(["attention", "entropy", "centre"]).default("attention"),
  }),
  // With a height too, the exact size (cover, attention-centred), so a preset's ratio holds to the pixel.
  z.object({
    op: z.literal("resize"),
    width: z.number().int().min(16).max(8192),
    height: z.number().int().min(16).max(8192).optional(),
  }),
  z.object({ op: z.literal("enhance") }),
  z.object({ op: z.literal("look"), name: z.enum(LOOK_NAMES as [string, ...string[]]) }),
  z.object({ op: z.literal("blur"), sigma: z.number().min(0.3).max(100).default(6) }),
  z.object({ op: z.literal("caption"), text: z.string().min(1).max(200) }),
  z.object({ op: z.literal("watermark"), text: z.string().min(1).max(100) }),
]);
export type EditOp = z.input<typeof editOpSchema>;
type Op = z.output<typeof editOpSchema>;

const FONT_FILE = fileURLToPath(new URL("../../../assets/fonts/DejaVuSans-Bold.ttf", import.meta.url));

export interface EditedImage {
  bytes: Buffer;
  width: number;
  height: number;
  mime: "image/jpeg" | "image/png";
  /** What was done, in words, e.g. ["autumn look", "crop 4:5"]. */
  applied: string[];
}

export function parseAspect(aspect: string): number {
  const [w = "1", h = "1"] = aspect.split(":");
  return Number(w) / Number(h);
}

/** The largest window of the given aspect ratio that fits inside width × height. */
function cropSize(width: number, height: number, ratio: number): { width: number; height: number } {
  if (width / height > ratio) return { width: Math.max(1, Math.round(height * ratio)), height };
  return { width, height: Math.max(1, Math.round(width / ratio)) };
}

async function materialise(img: Sharp): Promise<{ data: Buffer; width: number; height: number }> {
  // Each geometric step works on the previous step's real pixels, so sizes are always known.
  const { data, info } = await img.png({ compressionLevel: 0 }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Text rendered with the bundled font on a translucent band, for contrast on any photo. */
async function textOverlay(
  text: string,
  width: number,
  height: number,
  kind: "caption" | "watermark",
): Promise<OverlayOptions> {
  const size = Math.max(10, Math.round((kind === "caption" ? 0.045 : 0.03) * Math.min(width, height * 1.5)));
  const rendered = await sharp({
    text: {
      text: `<span foreground="white">${escapeMarkup(text)}</span>`,
      fontfile: FONT_FILE,
      font: `DejaVu Sans Bold ${size}`,
      width: Math.round(width * 0.9),
      rgba: true,
      dpi: 72,
      wrap: "word",
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  const pad = Math.round(size * 0.5);
  const bandW = Math.min(width, rendered.info.width + 2 * pad);
  const bandH = Math.min(height, rendered.info.height + 2 * pad);
  const band = await sharp({
    create: {
      width: bandW,
      height: bandH,
      channels: 4,
      background: { r: 0, g: 0, b: 0, alpha: kind === "caption" ? 0.55 : 0.35 },
    },
  })
    .composite([{ input: rendered.data, left: Math.min(pad, bandW - 1), top: Math.min(pad, bandH - 1) }])
    .png()
    .toBuffer();
  const margin = Math.round(Math.min(width, height) * 0.02);
  return kind === "caption"
    ? { input: band, left: Math.round((width - bandW) / 2), top: Math.max(0, height - bandH - margin) }
    : { input: band, left: Math.max(0, width - bandW - margin), top: Math.max(0, height - bandH - margin) };
}

async function applyOne(
  current: { data: Buffer; width: number; height: number },
  op: Op,
): Promise<{ data: Buffer; width: number; height: number }> {
  const img = sharp(current.data);
  switch (op.op) {
    case "crop": {
      const size = cropSize(current.width, current.height, parseAspect(op.aspect));
      const position =
        op.strategy === "attention"
          ? sharp.strategy.attention
          : op.strategy === "entropy"
            ? sharp.strategy.entropy
            : "centre";
      return materialise(img.resize(size.width, size.height, { fit: "cover", position }));
    }
    case "resize":
      return materialise(
        op.height
          ? img.resize(op.width, op.height, { fit: "cover", position: sharp.strategy.attention })
          : img.resize({ width: op.width, withoutEnlargement: false }),
      );
    case "enhance":
      return materialise(
        img.normalise({ lower: 1, upper: 99 }).modulate({ saturation: 1.12 }).sharpen({ sigma: 0.8 }),
      );
    case "look":
      return materialise(LOOKS[op.name as keyof typeof LOOKS](img));
    case "blur":
      return materialise(img.blur(op.sigma));
    case "caption":
    case "watermark":
      return materialise(img.composite([await textOverlay(op.text, current.width, current.height, op.op)]));
  }
}

function describeOp(op: Op): string {
  switch (op.op) {
    case "crop":
      return `crop ${op.aspect}`;
    case "resize":
      return op.height ? `resize to ${op.width}×${op.height}` : `resize to ${op.width} px wide`;
    case "enhance":
      return "enhance";
    case "look":
      return `${op.name} look`;
    case "blur":
      return "blur";
    case "caption":
      return "caption text";
    case "watermark":
      return "watermark";
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
  let current = await materialise(sharp(input).autoOrient());
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
