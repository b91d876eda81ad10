import { fits, splitGraphemes, type TextRule } from "./count.js";

const ELLIPSIS = "…";

/**
 * Shortens text to fit a network's rule as that network counts it: at a sentence end when one is
 * near, else at a word boundary, never inside a word or a grapheme (emoji sequences stay whole).
 * An ellipsis is added only when the cut is mid-sentence and it still fits.
 */
export function trimToLimit(text: string, rule: TextRule): string {
  const clean = text.trim();
  if (fits(rule, clean)) return clean;
  const parts = splitGraphemes(clean);
  // Longest grapheme prefix that fits together with an ellipsis.
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(rule, parts.slice(0, mid).join("") + ELLIPSIS)) lo = mid;
    else hi = mid - 1;
  }
  const prefix = parts.slice(0, lo);
  const joined = prefix.join("");
  // A sentence end in the last half of what fits is the nicest cut.
  const sentence = Math.max(...[". ", "! ", "? ", "。", "！", "？", "\n"].map((m) => joined.lastIndexOf(m)));
  if (sentence >= joined.length / 2) {
    const cut = joined.slice(0, sentence + 1).trim();
    if (fits(rule, cut)) return cut;
  }
  // Otherwise the last whole word, unless the text has no spaces at all (one enormous word, CJK).
  const space = prefix.findLastIndex((g) => /\s/.test(g));
  const nextIsSpace = /\s/.test(parts[lo] ?? " ");
  const words = nextIsSpace ? joined : space > 0 ? prefix.slice(0, space).join("") : joined;
  const body = words.replace(/[\s,;:–—-]+$/u, "");
  const withEllipsis = `${body}${ELLIPSIS}`;
  let out = fits(rule, withEllipsis) ? withEllipsis : body;
  // Counts are not always monotonic (a cut can make a link of a word, or plain text of a link).
  while (out && !fits(rule, out)) out = splitGraphemes(out).slice(0, -1).join("").trimEnd();
  return out;
}
