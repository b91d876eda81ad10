import type { Counting } from "./presets.js";

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const URL_RE = /https?:\/\/[^\s]+/g;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

export function splitGraphemes(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/** X's weighted count: most Latin punctuation and letters weigh 1, CJK and emoji 2, URLs 23. */
function xWeight(grapheme: string): number {
  if (EMOJI.test(grapheme)) return 2;
  let w = 0;
  for (const ch of grapheme) {
    const cp = ch.codePointAt(0) ?? 0;
    const light =
      cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247);
    w += light ? 1 : 2;
  }
  return w;
}

/** Length of a post the way the platform counts it. */
export function countFor(counting: Counting, text: string): number {
  if (counting === "graphemes") return splitGraphemes(text).length;
  const urls = text.match(URL_RE) ?? [];
  const rest = text.replace(URL_RE, "");
  if (counting === "mastodon") return splitGraphemes(rest).length + urls.length * 23;
  return splitGraphemes(rest).reduce((n, g) => n + xWeight(g), 0) + urls.length * 23;
}
