/**
 * The tiny model's vocabulary. Colour words are the only tokens it ever generates; the rest
 * lets ordinary prompts tokenize into something other than [UNK].
 */
export const SPECIAL = { pad: "[PAD]", unk: "[UNK]", bos: "<s>", eos: "</s>", image: "<image>" } as const;

export const COLOURS = ["red", "green", "blue", "white", "black"] as const;
export type Colour = (typeof COLOURS)[number];

const WORDS = [
  "user",
  "assistant",
  "system",
  ":",
  "?",
  ".",
  ",",
  "!",
  "what",
  "colour",
  "color",
  "is",
  "it",
  "the",
  "this",
  "a",
  "of",
  "in",
  "and",
  "describe",
  "image",
  "photo",
  "picture",
  "caption",
  "write",
  "for",
  "answer",
  "question",
  "you",
];

export const VOCAB: readonly string[] = [
  SPECIAL.pad,
  SPECIAL.unk,
  SPECIAL.bos,
  SPECIAL.eos,
  SPECIAL.image,
  ...COLOURS,
  ...WORDS,
];

export function tokenId(token: string): number {
  const id = VOCAB.indexOf(token);
  if (id < 0) throw new Error(`token ${token} is not in the tiny vocabulary`);
  return id;
}
