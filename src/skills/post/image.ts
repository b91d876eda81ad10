import sharp from "sharp";
import { CodedError, ErrorCode } from "../../errors.js";
import { applyEdits, type EditOp, parseAspect, type SubjectFinder } from "../edit/index.js";
import { type Preset, sizeText } from "./presets.js";

/** Narrower than this a post image is no longer worth posting. */
const MIN_WIDTH = 320;

async function jpeg(bytes: Buffer, width: number, quality: number) {
  const out = await sharp(bytes)
    .resize({ width })
    .flatten({ background: "#ffffff" })
    .jpeg({ quality, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  return { bytes: out.data, width: out.info.width, height: out.info.height };
}

/**
 * The photo prepared for a platform: smart-cropped to the preset's aspect, optional look and
 * watermark, sized to its width, metadata stripped, and a JPEG under its file-size limit
 * (lower quality first, then fewer pixels); refused with one sentence when even the smallest
 * version is over it.
 */
export async function preparePostImage(
  input: Buffer,
  preset: Preset,
  extra: { look?: string; watermark?: string },
  /** Where the subject is: the crop keeps it whole (sharp's attention heuristic without it). */
  find?: SubjectFinder,
): Promise<{ bytes: Buffer; width: number; height: number; applied: string[] }> {
  const ops: EditOp[] = [{ op: "crop", aspect: preset.aspect, strategy: find ? "subject" : "attention" }];
  if (extra.look) ops.push({ op: "look", name: extra.look });
  ops.push({
    op: "resize",
    width: preset.width,
    height: Math.round(preset.width / parseAspect(preset.aspect)),
  });
  if (extra.watermark) ops.push({ op: "watermark", text: extra.watermark });
  const edited = await applyEdits(input, ops, { quality: 90 }, find);
  let out =
    edited.mime === "image/jpeg"
      ? { bytes: edited.bytes, width: edited.width, height: edited.height }
      : await jpeg(edited.bytes, edited.width, 90);
  for (const quality of [82, 72, 62, 52]) {
    if (out.bytes.length <= preset.maxBytes) break;
    out = await jpeg(edited.bytes, edited.width, quality);
  }
  while (out.bytes.length > preset.maxBytes && out.width > MIN_WIDTH)
    out = await jpeg(edited.bytes, Math.max(MIN_WIDTH, Math.round(out.width * 0.85)), 72);
  for (const quality of [52, 40]) {
    if (out.bytes.length <= preset.maxBytes) break;
    out = await jpeg(edited.bytes, out.width, quality);
  }
  if (out.bytes.length > preset.maxBytes)
    throw new CodedError(
      ErrorCode.ImageTooLarge,
      `The photo does not fit ${preset.label}'s limit of ${sizeText(preset.maxBytes)} even at ${out.width} px wide (${sizeText(out.bytes.length)}); try a simpler photo.`,
    );
  return { ...out, applied: edited.applied };
}
