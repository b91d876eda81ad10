import { z } from "zod";
import { CodedError, ErrorCode } from "../../errors.js";
import { generate } from "../generate/index.js";
import type { Skill, SkillContext } from "../skill.js";
import { subjectFinder } from "../vision/matte.js";
import { describeSteps } from "./describe.js";
import { EDIT_HELP, rangeProblem } from "./help.js";
import { LOOK_NAMES } from "./looks.js";
import { ASPECT_NAMES } from "./names.js";
import { applyEdits, type EditOp } from "./ops.js";
import { type EditPlan, planEdits } from "./plan.js";

export { EDIT_HELP } from "./help.js";
export { LOOK_NAMES } from "./looks.js";
export { applyEdits, type EditOp, parseAspect, type SubjectFinder } from "./ops.js";
export { parseEdits, readEdits } from "./parse.js";

const params = z.object({
  /** What people type: "make it warmer and crop it square", "look autumn + crop 4:5". */
  edits: z.string().max(500).optional(),
  look: z.enum(LOOK_NAMES as [string, ...string[]]).optional(),
  aspect: z.string().optional(),
  width: z.coerce.number().int().optional(),
  enhance: z.coerce.boolean().optional(),
  blur: z.coerce.number().optional(),
  caption: z.string().max(200).optional(),
  watermark: z.string().max(100).optional(),
  /** The subject on a transparent background (before the other options). */
  cutout: z.coerce.boolean().optional(),
});
type Params = z.infer<typeof params>;

/** Structured options (slash-command fields, CLI flags), after the typed edits, in a fixed order. */
function opsFromOptions(p: Omit<Params, "edits">): EditOp[] {
  const ops: EditOp[] = [];
  if (p.cutout) ops.push({ op: "background", action: "remove" });
  if (p.look) ops.push({ op: "look", name: p.look });
  if (p.enhance) ops.push({ op: "enhance" });
  if (p.aspect) ops.push({ op: "crop", aspect: ASPECT_NAMES[p.aspect.toLowerCase()] ?? p.aspect });
  if (p.width) ops.push({ op: "resize", width: p.width });
  if (p.blur) ops.push({ op: "blur", sigma: p.blur });
  if (p.caption) ops.push({ op: "caption", text: p.caption });
  if (p.watermark) ops.push({ op: "watermark", text: p.watermark });
  for (const op of ops) {
    const problem = rangeProblem(op);
    if (problem)
      throw new CodedError(ErrorCode.BadRequest, `The ${op.op} option is out of range: ${problem}.`);
  }
  return ops;
}

/** The generator's edit of the photo, as the starting point for the operations. */
async function generated(ctx: SkillContext, instruction: string): Promise<{ bytes: Buffer; said: string }> {
  const out = await generate.run(ctx, generate.params.parse({ prompt: instruction }));
  const image = out.images[0];
  if (!image) throw new CodedError(ErrorCode.ImageBackendDown, "The image generator returned no image.");
  return { bytes: image.bytes, said: (out.text ?? "").replace(/^G/, "g") };
}

async function carryOut(ctx: SkillContext, source: Buffer, plan: EditPlan) {
  let bytes = source;
  const done: string[] = [];
  if (plan.generate) {
    ctx.progress?.("editing with the image generator");
    const g = await generated(ctx, plan.generate);
    bytes = g.bytes;
    done.push(g.said);
  }
  ctx.progress?.("editing");
  const out = await applyEdits(bytes, plan.ops, {}, subjectFinder(ctx.config));
  done.push(...out.applied);
  return { out, done };
}

export const edit = {
  name: "edit",
  usesModel: false,
  description: `Edit the photo as the user says it, in plain words (pass them as "edits"): brighter/darker, contrast, saturation, warmer/cooler, black and white, sepia, sharpen, blur, vignette, rotate, mirror, straighten, crop (square, 4:5, for instagram), resize, looks (${LOOK_NAMES.join(", ")}), caption or watermark text, background (remove, blur, a colour), crop to the subject.`,
  params,
  async run(ctx, p) {
    const { edits = "", ...options } = p;
    const extra = opsFromOptions(options);
    if (!edits.trim() && extra.length === 0) throw new CodedError(ErrorCode.BadRequest, EDIT_HELP);
    const image = ctx.images[0];
    if (!image) throw new CodedError(ErrorCode.NoImage, "Please attach the photo you want edited.");
    const plan = await planEdits(ctx, edits, extra);
    const { out, done } = await carryOut(ctx, image.bytes, plan);
    const said = describeSteps(done);
    return {
      text: [`Done: ${said}.`, ...plan.notes].join(" "),
      images: [
        {
          bytes: out.bytes,
          mime: out.mime,
          width: out.width,
          height: out.height,
          filename: `edited.${out.mime === "image/png" ? "png" : "jpg"}`,
          altText: `The photo, ${said}.`.slice(0, 1000),
        },
      ],
      summary: `edited image ${out.width}x${out.height} (${said})`,
      data: { applied: done },
    };
  },
} satisfies Skill<typeof params>;
