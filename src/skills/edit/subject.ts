import sharp, { type Sharp } from "sharp";
import { alphaBox } from "../vision/cutout.js";
import { withAlpha } from "../vision/draw.js";
import { parseAspect } from "./geometry.js";
import type { Op } from "./schema.js";

/**
 * Edits that need to know where the subject is: its alpha comes from the background remover
 * (tools.cutout.model), asked by the caller's `SubjectFinder` on the current pixels.
 */

export type SubjectFinder = (image: { bytes: Buffer; width: number; height: number }) => Promise<Uint8Array>;

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

type Region = { left: number; top: number; width: number; height: number };

/** The box of the pixels at least half opaque, or undefined when none is. */
function subjectRegion(alpha: Uint8Array, width: number, height: number): Region | undefined {
  const box = alphaBox(alpha, width, height);
  return box && { left: box[0], top: box[1], width: box[2] - box[0], height: box[3] - box[1] };
}

/**
 * The window to keep, moved (not shrunk) to stay inside the image: "tight" is the subject's box
 * with a margin, grown to `ratio` when given; "largest" the largest window of `ratio` (a post's
 * crop), placed over the subject. When no window of the ratio can hold the subject, the largest
 * one centred on it.
 */
export function windowAround(
  box: Region,
  width: number,
  height: number,
  ratio?: number,
  fit: "tight" | "largest" = "tight",
  margin = 0.04,
): Region {
  const pad = Math.round(margin * Math.max(box.width, box.height));
  let w = fit === "largest" ? width : Math.min(width, box.width + 2 * pad);
  let h = fit === "largest" ? height : Math.min(height, box.height + 2 * pad);
  if (ratio) {
    if (w / h < ratio) w = Math.round(h * ratio);
    else h = Math.round(w / ratio);
    // Too big for the image: the largest window of the ratio that fits.
    if (w > width || h > height) {
      const scale = Math.min(width / w, height / h);
      w = Math.max(1, Math.floor(w * scale));
      h = Math.max(1, Math.floor(h * scale));
    }
  }
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.round(v)), max);
  return { left: clamp(cx - w / 2, width - w), top: clamp(cy - h / 2, height - h), width: w, height: h };
}

async function alphaOf(current: Pixels, find: SubjectFinder): Promise<Uint8Array> {
  return find({ bytes: current.data, width: current.width, height: current.height });
}

type SubjectOp = Extract<Op, { op: "background" | "cropSubject" }>;

export async function applySubjectOp(current: Pixels, op: SubjectOp, find: SubjectFinder): Promise<Sharp> {
  const alpha = await alphaOf(current, find);
  if (op.op === "cropSubject") {
    const box = subjectRegion(alpha, current.width, current.height);
    if (!box) return sharp(current.data);
    const ratio = op.aspect ? parseAspect(op.aspect) : undefined;
    return sharp(current.data).extract(windowAround(box, current.width, current.height, ratio));
  }
  const subject = await withAlpha(
    { bytes: current.data, width: current.width, height: current.height },
    alpha,
  );
  if (op.action === "remove") return sharp(subject);
  const under =
    op.action === "blur"
      ? sharp(current.data)
          .removeAlpha()
          .blur(op.sigma ?? 12)
      : sharp({
          create: {
            width: current.width,
            height: current.height,
            channels: 3,
            background: op.colour ?? "#ffffff",
          },
        });
  const composed = await sharp(await under.png().toBuffer())
    .composite([{ input: subject }])
    .png()
    .toBuffer();
  // Opaque again: the subject sits on something now (a separate step, as sharp orders removeAlpha last).
  return sharp(composed).removeAlpha();
}

/** A crop window of `ratio` around the subject, or undefined when none is found. */
export async function subjectCrop(
  current: Pixels,
  ratio: number,
  find: SubjectFinder,
): Promise<Region | undefined> {
  const alpha = await alphaOf(current, find);
  const box = subjectRegion(alpha, current.width, current.height);
  return box && windowAround(box, current.width, current.height, ratio, "largest");
}
