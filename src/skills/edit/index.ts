import { z } from "zod";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Skill } from "../skill.js";
import { LOOK_NAMES } from "./looks.js";
import { applyEdits, type EditOp } from "./ops.js";
import { parseEdits } from "./parse.js";

export { LOOK_NAMES } from "./looks.js";
export { applyEdits, type EditOp, parseAspect } from "./ops.js";
export { parseEdits } from "./parse.js";

const params = z.object({
  /** Free text such as "look autumn + crop 4:5". */
  edits: z.string().max(500).optional(),
  look: z.enum(LOOK_NAMES as [string, ...string[]]).optional(),
  aspect: z.string().optional(),
  width: z.coerce.number().int().optional(),
  enhance: z.coerce.boolean().optional(),
  blur: z.coerce.number().optional(),
  caption: z.string().max(200).optional(),
  watermark: z.string().max(100).optional(),
});

/** Structured options (slash-command fields, CLI flags) in a fixed, sensible order. */
export function opsFromParams(p: z.infer<typeof params>): EditOp[] {
  const ops: EditOp[] = p.edits ? parseEdits(p.edits) : [];
  if (p.look) ops.push({ op: "look", name: p.look });
  if (p.enhance) ops.push({ op: "enhance" });
  if (p.aspect) ops.push(...parseEdits(`crop ${p.aspect}`));
  if (p.width) ops.push({ op: "resize", width: p.width });
  if (p.blur) ops.push({ op: "blur", sigma: p.blur });
  if (p.caption) ops.push({ op: "caption", text: p.caption });
  if (p.watermark) ops.push({ op: "watermark", text: p.watermark });
  return ops;
}

export const edit = {
  name: "edit",
  usesModel: false,
  description: `Edit the photo: colour-grade looks (${LOOK_NAMES.join(", ")}), crop to an aspect ratio, resize, enhance, blur, caption or watermark text. Not a generative edit.`,
  params,
  async run(ctx, p) {
    const image = ctx.images[0];
    if (!image) throw new CodedError(ErrorCode.NoImage, "Please attach the photo you want edited.");
    const ops = opsFromParams(p);
    if (ops.length === 0)
      throw new CodedError(
        ErrorCode.BadRequest,
        "Tell me which edit to make, e.g. `look autumn + crop 4:5`.",
      );
    ctx.progress?.("editing");
    const out = await applyEdits(image.bytes, ops);
    const done = out.applied.join(" + ");
    return {
      text: `Done: ${done}.`,
      images: [
        {
          bytes: out.bytes,
          mime: out.mime,
          width: out.width,
          height: out.height,
          filename: `edited.${out.mime === "image/png" ? "png" : "jpg"}`,
          altText: `The photo with ${done} applied.`,
        },
      ],
      summary: `edited image ${out.width}x${out.height} (${done})`,
    };
  },
} satisfies Skill<typeof params>;
