import { CodedError, ErrorCode } from "../../errors.js";
import { generate } from "../generate/index.js";
import type { SkillContext } from "../skill.js";
import { type ModelReading, readWithModel } from "./model.js";
import { readEdits } from "./parse.js";
import type { EditOp } from "./schema.js";

/** What an edit request comes to: a generative change first (when any), then the operations. */
export interface EditPlan {
  /** An instruction for the image generator's edit of the photo. */
  generate?: string;
  ops: EditOp[];
  /** One sentence each on what is not done, and why. */
  notes: string[];
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * The reader first; the model only for the words it could not place (their operations go where
 * the first of those words stood). Generative requests go to the image generator when one is
 * configured, and are otherwise said plainly as not done.
 */
export async function planEdits(ctx: SkillContext, text: string, extra: EditOp[]): Promise<EditPlan> {
  const steps = text.trim() ? readEdits(text) : [];
  const unplaced = steps.filter((s) => s.kind === "unplaced").map((s) => s.said);
  const reading: ModelReading | undefined = unplaced.length ? await readWithModel(ctx, unplaced) : undefined;
  const ops: EditOp[] = [];
  const generative: string[] = [];
  let modelPlaced = false;
  for (const step of steps) {
    if (step.kind === "ops") ops.push(...step.ops);
    else if (step.kind === "generate") generative.push(step.said);
    else if (!modelPlaced && reading) {
      ops.push(...reading.ops);
      modelPlaced = true;
    }
  }
  ops.push(...extra);
  if (reading?.generate) generative.push(reading.generate);
  const notes: string[] = [];
  if (reading?.unknown) notes.push(`I didn't know how to do “${reading.unknown}”, so I left that out.`);
  if (reading && reading.ops.length === 0 && !reading.generate && !reading.unknown)
    notes.push(`I didn't know how to do “${unplaced.join("; ")}”, so I left that out.`);
  let instruction: string | undefined;
  if (generate.available(ctx.config)) {
    if (generative.length) instruction = generative.join(" and ");
  } else {
    for (const g of generative) notes.push(`I can't ${lowerFirst(g)} without an image-generation backend.`);
  }
  if (ops.length === 0 && !instruction) {
    if (notes.length === 0)
      throw new CodedError(
        ErrorCode.BadRequest,
        "Tell me which edit to make, e.g. `warmer and crop it square`.",
      );
    const missing = generative.length > 0;
    throw new CodedError(missing ? ErrorCode.BackendMissing : ErrorCode.BadRequest, notes.join(" "));
  }
  return { ...(instruction ? { generate: instruction } : {}), ops, notes };
}
