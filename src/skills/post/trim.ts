import { countFor, splitGraphemes } from "./count.js";
import type { Counting } from "./presets.js";

const ELLIPSIS = "…";

/**
 * Shortens text to fit a limit as the platform counts it: at a sentence end when one is near,
 * else at a word boundary, never inside a word or a grapheme (emoji sequences stay whole).
 * An ellipsis is added only when the cut is mid-sentence and it still fits.
 */
export function trimToLimit(text: string, limit: number, counting: Counting): string {
  const clean = text.trim();
  if (countFor(counting, clean) <= limit) return clean;
  const parts = splitGraphemes(clean);
  // Longest grapheme prefix that fits together with an ellipsis.
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countFor(counting, parts.slice(0, mid).join("") + ELLIPSIS) <= limit) lo = mid;
    else hi = mid - 1;
  }
  const prefix = parts.slice(0, lo);
  const joined = prefix.join("");
  // A sentence end in the last half of what fits is the nicest cut.
  const sentence = Math.max(...[". ", "! ", "? ", "。", "！", "？", "\n"].map((m) => joined.lastIndexOf(m)));
  if (sentence >= joined.length / 2) {
    const cut = joined.slice(0, sentence + 1).trim();
    if (countFor(counting, cut) <= limit) return cut;
  }
  // Otherwise the last whole word, unless the text has no spaces at all (one enormous word, CJK).
  const space = prefix.findLastIndex((g) => /\s/.test(g));
  const nextIsSpace = /\s/.test(parts[lo] ?? " ");
  const words = nextIsSpace ? joined : space > 0 ? prefix.slice(0, space).join("") : joined;
  const body = words.replace(/[\s,;:–—-]+$/u, "");
  const withEllipsis = `${body}${ELLIPSIS}`;
  return countFor(counting, withEllipsis) <= limit ? withEllipsis : body;
}
