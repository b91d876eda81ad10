import { LOOK_NAMES } from "./looks.js";
import { type EditOp, editOpSchema } from "./schema.js";

/** What `/edit` with no text answers: everything it can do, in words it understands. */
export const EDIT_HELP = [
  "Tell me the edits in plain words, joined with “and”, commas or “then”, e.g. `/edit make it warmer and crop it square`. I can do:",
  "• light and colour: brighter / darker, more / less contrast, more / less saturated, warmer / cooler, tint (more magenta / greener), black and white, sepia",
  "• detail: sharpen, blur, vignette, enhance (“make it pop”)",
  "• turning: rotate left / right / 180, mirror, flip vertically, straighten 2 degrees",
  "• framing: crop square, portrait, story, landscape, 16:9, for instagram; resize 1080",
  `• looks: ${LOOK_NAMES.join(", ")}`,
  '• text: caption "…", watermark "…"',
  "Amounts in words or numbers: “a bit brighter”, “much warmer”, “contrast +20 %”. Photo metadata (EXIF, GPS) is always removed.",
].join("\n");

/** The ranges, said the way the reader understands them. */
const RANGES: Partial<Record<EditOp["op"], string>> = {
  brightness: "amounts go from 1 to 100 %",
  contrast: "amounts go from 1 to 100 %",
  saturation: "amounts go from 1 to 100 %",
  warmth: "amounts go from 1 to 100 %",
  tint: "amounts go from 1 to 100 %",
  sharpen: "the strength goes from 1 to 100 %",
  vignette: "the strength goes from 1 to 100 %",
  blur: "blur goes from 0.3 to 100",
  resize: "widths go from 16 to 8192 pixels",
  straighten: "I straighten by up to 15 degrees either way",
  crop: "an aspect ratio is W:H, e.g. 4:5",
};

/** Why an operation is outside its ranges, in words, or undefined when it is fine. */
export function rangeProblem(op: EditOp): string | undefined {
  const parsed = editOpSchema.safeParse(op);
  if (parsed.success) return undefined;
  return RANGES[op.op] ?? parsed.error.issues[0]?.message ?? "that is out of range";
}
