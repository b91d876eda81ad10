/** The kinds of rows the phrasing table is made of (phrases.ts), and what a row gives. */
import { CodedError, ErrorCode } from "../../errors.js";
import { type Amount, amountValue, type Scale } from "./amounts.js";
import type { EditOp } from "./schema.js";

/** What one clause asks for. */
export type Outcome =
  | { kind: "ops"; ops: EditOp[] }
  /** New pixels painted in: an image generator's instruction edit. */
  | { kind: "generate" };

/**
 * One row of the table. `on` says which form of the clause the pattern sees:
 * - "amount": fillers dropped, the photo called "it", amount words and numbers taken out;
 * - "plain": fillers dropped, the photo called "it", numbers kept;
 * - "original": as typed (case kept), for text that goes onto the photo.
 */
export interface Phrase {
  on: "amount" | "plain" | "original";
  pattern: RegExp;
  make(m: RegExpExecArray, amount: Amount): Outcome;
}

export const ops = (...list: EditOp[]): Outcome => ({ kind: "ops", ops: list });
const whole = (alternatives: string[], flags = "") => new RegExp(`^(?:${alternatives.join("|")})$`, flags);
/** "make it warmer", "get it brighter" and plain "warmer" alike. */
export const MAKE = "(?:(?:make|get|turn|set) it )?";
export const IT_IS = "(?:it'?s |it is |its )?";
export const CW = "clockwise|cw|right|to the right";
export const CCW = "counter-?clockwise|anti-?clockwise|ccw|left|to the left";
export const DEGREES = "(?: ?(?:degrees?|deg|°))?";

/** An adjustment with a direction: sign +1 ("warmer"), -1 ("cooler"), 0 (the plain name: the number's sign). */
export function adjust(
  op: "brightness" | "contrast" | "saturation" | "warmth" | "tint",
  sign: 1 | -1 | 0,
  alternatives: string[],
): Phrase {
  const prefix = sign === 0 ? "" : MAKE;
  return {
    on: "amount",
    pattern: new RegExp(`^${prefix}(?:${alternatives.join("|")})$`),
    make: (_m, amount) => ops({ op, amount: amountValue(amount, "percent", sign) }),
  };
}

/** An effect with a strength ("a strong vignette", "sharpen 30 %"). */
export function effect(op: "sharpen" | "vignette" | "blur", scale: Scale, alternatives: string[]): Phrase {
  return {
    on: "amount",
    pattern: whole(alternatives),
    make: (_m, amount) =>
      op === "blur"
        ? ops({ op, sigma: amountValue(amount, scale, 1) })
        : ops({ op, amount: amountValue(amount, scale, 1) }),
  };
}

export function fixed(outcome: Outcome, alternatives: string[]): Phrase {
  return { on: "plain", pattern: whole(alternatives), make: () => outcome };
}

export function refuse(sentence: string, alternatives: string[]): Phrase {
  return {
    on: "plain",
    pattern: whole(alternatives),
    make: () => {
      throw new CodedError(ErrorCode.BadRequest, sentence);
    },
  };
}

/** A turn in degrees (positive clockwise) as a quarter turn or a straightening, else one sentence. */
export function turn(degrees: number, said: string): Outcome {
  const d = ((degrees % 360) + 360) % 360;
  if (d === 90 || d === 180 || d === 270) return ops({ op: "rotate", degrees: d });
  if (degrees !== 0 && Math.abs(degrees) <= 15) return ops({ op: "straighten", degrees });
  throw new CodedError(
    ErrorCode.BadRequest,
    `I can't turn the photo by ${said} degrees: I rotate by 90, 180 or 270, or straighten by up to 15 degrees either way.`,
  );
}

export const direction = (word: string | undefined) =>
  word && new RegExp(`^(?:${CCW})$`).test(word) ? -1 : 1;
