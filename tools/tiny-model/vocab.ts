/**
 * The tiny models' vocabularies. Colour words are the only tokens a tiny model ever generates;
 * the rest lets ordinary prompts tokenize into something real. Two styles, as the public
 * checkpoints have them: a Llama/Vicuna-style word vocabulary (LLaVA-1.5) and a Qwen2-style
 * byte-level BPE with ChatML markers (LLaVA-OneVision, nanoLLaVA).
 */
export const COLOURS = ["red", "green", "blue", "white", "black"] as const;
export type Colour = (typeof COLOURS)[number];

/** What the graphs need to know about a vocabulary. */
export interface TinyVocab {
  size: number;
  colourIds: Record<Colour, number>;
  /** The token that ends an answer. */
  eosId: number;
  imageId: number;
  padId: number;
  bosId?: number;
}

export const SPECIAL = { pad: "[PAD]", unk: "[UNK]", bos: "<s>", eos: "</s>", image: "<image>" } as const;

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

/** Word-level vocabulary of the LLaVA-1.5 test model (`<s>`, `</s>`, `<image>`). */
export const VOCAB: readonly string[] = [
  SPECIAL.pad,
  SPECIAL.unk,
  SPECIAL.bos,
  SPECIAL.eos,
  SPECIAL.image,
  ...COLOURS,
  ...WORDS,
];

function tokenId(token: string): number {
  const id = VOCAB.indexOf(token);
  if (id < 0) throw new Error(`token ${token} is not in the tiny vocabulary`);
  return id;
}

export const wordVocab: TinyVocab = {
  size: VOCAB.length,
  colourIds: Object.fromEntries(COLOURS.map((c) => [c, tokenId(c)])) as Record<Colour, number>,
  eosId: tokenId(SPECIAL.eos),
  imageId: tokenId(SPECIAL.image),
  padId: tokenId(SPECIAL.pad),
  bosId: tokenId(SPECIAL.bos),
};
