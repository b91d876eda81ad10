/** How much, as people say it: "a bit", "much", "+20 %", "by 30". */
export type Amount =
  | { kind: "word"; level: "small" | "normal" | "large" }
  | { kind: "number"; value: number };

/** What "a bit", nothing, and "much" mean for each kind of operation. */
const SCALES = {
  /** brightness, contrast, saturation, warmth, tint: percent */
  percent: { small: 10, normal: 20, large: 40 },
  /** sharpen, vignette: strength 1–100 */
  strength: { small: 25, normal: 50, large: 80 },
  /** blur: the gaussian's sigma in pixels */
  blur: { small: 3, normal: 6, large: 12 },
} as const;
export type Scale = keyof typeof SCALES;

const LARGE =
  /\b(?:quite a bit|a lot|a great deal|lots|loads|much|way|very|really|far|significantly|heavily|strongly|strong|stronger|heavy|intense|super|considerably|substantially|dramatically|extremely)\b/;
const SMALL =
  /\b(?:just )?(?:a (?:little |tiny |wee )?bit|a little|a touch|a tad|a smidge|slightly|somewhat|subtly|subtle|lightly|gently|gentle|mildly|mild|marginally)\b/;

/** Explicit numbers, most specific first: "20 %", "by 20", "+20", and a bare number at the end. */
const NUMBERS = [
  /(?:\bby |\bto )?([+\-−]?\s?\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)/,
  /\bby ([+\-−]?\d+(?:\.\d+)?)\b/,
  /(?:^|\s)([+\-−]\d+(?:\.\d+)?)\b/,
  /\s(\d+(?:\.\d+)?)$/,
];

function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Takes the amount out of a clause: the words left, and how much they asked for. */
export function takeAmount(words: string): { rest: string; amount: Amount } {
  for (const pattern of NUMBERS) {
    const m = pattern.exec(words);
    if (m?.[1]) {
      const value = Number(m[1].replace(/\s/g, "").replace("−", "-"));
      return { rest: squash(words.replace(m[0], " ")), amount: { kind: "number", value } };
    }
  }
  for (const [pattern, level] of [
    [LARGE, "large"],
    [SMALL, "small"],
  ] as const) {
    if (pattern.test(words))
      return { rest: squash(words.replace(pattern, " ")), amount: { kind: "word", level } };
  }
  return { rest: words, amount: { kind: "word", level: "normal" } };
}

/**
 * The signed amount for an operation. A direction word ("darker") sets the sign and a number
 * only its size; a plain name ("brightness -10") takes the number's sign.
 */
export function amountValue(amount: Amount, scale: Scale, sign: 1 | -1 | 0): number {
  if (amount.kind === "number") return sign === 0 ? amount.value : sign * Math.abs(amount.value);
  return (sign === 0 ? 1 : sign) * SCALES[scale][amount.level];
}
