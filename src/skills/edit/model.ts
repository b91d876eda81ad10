import { z } from "zod";
import { PROMPTS } from "../../core/prompts.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { SkillContext } from "../skill.js";
import { rangeProblem } from "./help.js";
import { LOOK_NAMES } from "./looks.js";
import { type EditOp, editOpSchema, type OpName } from "./schema.js";

/** Every operation the model may use, one line each: its JSON and what the numbers mean. */
export const OPERATION_LINES: Record<OpName, string> = {
  brightness: '{"op":"brightness","amount":N} N from -100 (darker) to 100 (brighter); 20 is a clear change',
  contrast: '{"op":"contrast","amount":N} N from -100 (flatter) to 100 (punchier)',
  saturation: '{"op":"saturation","amount":N} N from -100 (no colour) to 100 (vivid)',
  warmth: '{"op":"warmth","amount":N} N from -100 (cooler, bluer) to 100 (warmer, more amber)',
  tint: '{"op":"tint","amount":N} N from -100 (greener) to 100 (more magenta)',
  grayscale: '{"op":"grayscale"} black and white',
  sepia: '{"op":"sepia"} brown old-photo tone',
  sharpen: '{"op":"sharpen","amount":N} N from 1 to 100',
  vignette: '{"op":"vignette","amount":N} darker corners, N from 1 to 100',
  blur: '{"op":"blur","sigma":S} the whole photo, S from 0.3 to 100 pixels',
  enhance: '{"op":"enhance"} automatic levels, a little colour and sharpening',
  look: `{"op":"look","name":"L"} a colour grade, L one of ${LOOK_NAMES.join(", ")}`,
  rotate: '{"op":"rotate","degrees":D} D is 90, 180 or 270, clockwise',
  flip: '{"op":"flip","axis":"horizontal"} a mirror image; "vertical" turns it top to bottom',
  straighten:
    '{"op":"straighten","degrees":D} a small turn to level it, D from -15 to 15 (positive clockwise)',
  crop: '{"op":"crop","aspect":"W:H"} e.g. "1:1" square, "4:5" portrait, "9:16" story, "16:9" landscape',
  resize: '{"op":"resize","width":W} W from 16 to 8192 pixels',
  caption: '{"op":"caption","text":"..."} a caption band at the bottom',
  watermark: '{"op":"watermark","text":"..."} small text at the bottom right',
  background:
    '{"op":"background","action":"remove"} transparent background; "blur" blurs it (portrait look); "colour" with "colour":"#rrggbb" replaces it',
  cropSubject: '{"op":"cropSubject"} crop tight around the main subject; add "aspect":"W:H" for a shape',
};

const ANSWER_FORM = '{"operations": [...], "generate": "", "unknown": ""}';

const answerSchema = z.strictObject({
  operations: z.array(editOpSchema).max(12),
  generate: z.string().max(300).nullish(),
  unknown: z.string().max(300).nullish(),
});

/** What the model made of the words the reader could not place. */
export interface ModelReading {
  ops: EditOp[];
  /** What needs new content painted in. */
  generate?: string;
  /** What it could not turn into anything. */
  unknown?: string;
}

function fallbackPrompt(request: string): string {
  return [
    PROMPTS.editFallback,
    "Operations, applied in the order you list them:",
    ...Object.values(OPERATION_LINES),
    `Answer with one JSON object and nothing else, in this form: ${ANSWER_FORM}`,
    `Request: ${request}`,
  ].join("\n");
}

/** The answer's JSON: the whole text, or the whole of one fenced block. */
function jsonOf(text: string): unknown {
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(text.trim());
  return JSON.parse(fenced?.[1] ?? text.trim());
}

const KNOWN = new Set<string>(Object.keys(OPERATION_LINES));

/** Why an answer is not one we can apply, in a few words, or undefined when it is. */
function problemWith(answer: unknown): string | undefined {
  const list = (answer as { operations?: unknown })?.operations;
  if (Array.isArray(list)) {
    for (const item of list) {
      const name = String((item as { op?: unknown })?.op ?? "");
      if (!KNOWN.has(name)) return `it named an operation I don't have (“${name.slice(0, 40)}”)`;
      const problem = rangeProblem(item as EditOp);
      if (problem) return `it asked for ${name} out of range: ${problem}`;
    }
  }
  return answerSchema.safeParse(answer).success ? undefined : "it was not in the agreed form";
}

/**
 * Asks the model what the unplaced words mean, with the photo, the operations and a strict JSON
 * form. Anything but a valid answer is refused whole: one sentence, and nothing is applied.
 */
export async function readWithModel(ctx: SkillContext, said: string[]): Promise<ModelReading> {
  const request = said.join("; ");
  const result = await ctx.model.generate({
    messages: [{ role: "user", content: fallbackPrompt(request), imageCount: ctx.images.length ? 1 : 0 }],
    images: ctx.images.slice(0, 1),
    maxNewTokens: 300,
    temperature: 0,
    signal: ctx.signal,
  });
  let answer: unknown;
  let problem: string | undefined;
  try {
    answer = jsonOf(result.text);
    problem = problemWith(answer);
  } catch {
    problem = "it was not valid JSON";
  }
  if (problem)
    throw new CodedError(
      ErrorCode.BadRequest,
      `I couldn't turn “${request}” into edits I can make (I asked the model and ${problem}), so I left the photo unchanged.`,
    );
  const parsed = answerSchema.parse(answer);
  return {
    ops: parsed.operations,
    ...(parsed.generate?.trim() ? { generate: parsed.generate.trim() } : {}),
    ...(parsed.unknown?.trim() ? { unknown: parsed.unknown.trim() } : {}),
  };
}
