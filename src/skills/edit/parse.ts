import { CodedError, ErrorCode } from "../../errors.js";
import { takeAmount } from "./amounts.js";
import { rangeProblem } from "./help.js";
import { type Outcome, PHRASES } from "./phrases.js";
import type { EditOp } from "./schema.js";

/** One clause of what was typed, read: operations, or what needs something else. */
export type Step =
  | { kind: "ops"; said: string; ops: EditOp[] }
  /** Nothing in the table: for the model to read. */
  | { kind: "unplaced"; said: string }
  | { kind: "generate"; said: string };

/** "and", commas, "then", "+", semicolons and full stops separate edits; "+20 %" does not. */
const SEPARATORS =
  /\s*(?:,(?!\d)|;|\.(?=\s|$)|\+(?!\s*\d)|\s&\s|\band then\b|\bthen\b|\band\b|\bplus\b|\balso\b)\s*/i;
const LEADING =
  /^(?:please|pls|plz|can you|could you|would you|will you|kindly|just|now|finally|first|maybe|ok|okay|go ahead and|try to|let's|lets|i'd like you to|i would like you to|i want you to|i'd like to|i want to|i'd like|i would like|i want)\b\s*/i;
const TRAILING =
  /(?:,?\s*\b(?:please|pls|thanks|thank you|thx|for me|if you can|if possible)\b)+\s*[.!?]*$|\s*[.!?]+$/i;

/** Drops politeness around an edit ("can you …, please"), case kept. */
function dropFillers(clause: string): string {
  let text = clause.trim();
  for (let before = ""; before !== text; ) {
    before = text;
    text = text.replace(LEADING, "").replace(TRAILING, "").trim();
  }
  return text;
}

/** Lower case, and the photo called "it" ("make the picture warmer" → "make it warmer"). */
function plainWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(
      /\b(?:the|this|my|that|our) (?:photo|image|picture|pic|shot|photograph|img|one)\b|\bthis\b/g,
      "it",
    )
    .replace(/\s+/g, " ")
    .trim();
}

/** The table's answer for one clause, or undefined when no row matches it. */
function lookUp(original: string): Outcome | undefined {
  const plain = plainWords(original);
  const { rest, amount } = takeAmount(plain);
  for (const phrase of PHRASES) {
    const subject = phrase.on === "original" ? original : phrase.on === "plain" ? plain : rest;
    const m = phrase.pattern.exec(subject);
    if (m) return phrase.make(m, amount);
  }
  return undefined;
}

/** A generative request's list goes on ("add a hat and a scarf"): a clause that is only a noun phrase. */
const CONTINUES_A_LIST = /^(?:an?|some|the|his|her|their|my|two|three|\d+) \S/i;

/**
 * The forgiving reader: what people type, clause by clause, through the table of phrasings.
 * Quoted text is kept whole (a caption may contain "and"); "black and white" is one edit.
 * Throws one sentence for a clause that names an edit with an impossible amount.
 */
export function readEdits(text: string): Step[] {
  const quotes: string[] = [];
  const guarded = text
    .replace(/"([^"]*)"|“([^”]*)”/g, (_m, a?: string, b?: string) => {
      quotes.push(a ?? b ?? "");
      return `\uE000${quotes.length - 1}\uE000`;
    })
    .replace(/\bblack\s*(?:and|&|n|'n')\s*white\b/gi, "black\uE001white")
    .replace(/\bb\s*&\s*w\b/gi, "b\uE001w");
  const restore = (s: string) =>
    s
      .replace(/\uE000(\d+)\uE000/g, (_m, i: string) => `"${quotes[Number(i)]}"`)
      .replace(/black\uE001white/gi, "black and white")
      .replace(/b\uE001w/gi, "b&w");
  const steps: Step[] = [];
  for (const part of guarded.split(SEPARATORS)) {
    const said = dropFillers(restore(part));
    if (!said) continue;
    const outcome = lookUp(said);
    const last = steps.at(-1);
    if (!outcome && last?.kind === "generate" && CONTINUES_A_LIST.test(said)) {
      last.said = `${last.said} and ${said}`;
      continue;
    }
    if (!outcome) steps.push({ kind: "unplaced", said });
    else if (outcome.kind === "ops") steps.push({ kind: "ops", said, ops: checked(outcome.ops, said) });
    else steps.push({ kind: "generate", said });
  }
  return steps;
}

/** Each operation within its ranges, or one sentence saying which amount is too much. */
function checked(ops: EditOp[], said: string): EditOp[] {
  for (const op of ops) {
    const problem = rangeProblem(op);
    if (problem) throw new CodedError(ErrorCode.BadRequest, `I can't do “${said}”: ${problem}.`);
  }
  return ops;
}

/**
 * The operations only, for callers that take no model and no generator (the planner's
 * structured options, the post skill): anything else is one sentence.
 */
export function parseEdits(text: string): EditOp[] {
  const steps = readEdits(text);
  if (steps.length === 0)
    throw new CodedError(
      ErrorCode.BadRequest,
      "Tell me which edit to make, e.g. `warmer and crop it square`.",
    );
  return steps.flatMap((step) => {
    if (step.kind === "ops") return step.ops;
    throw new CodedError(ErrorCode.BadRequest, `I don't know the edit “${step.said}”.`);
  });
}
