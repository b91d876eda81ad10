import { COLOURS, type Colour, type TinyVocab } from "./vocab.js";

/**
 * A Qwen2-style byte-level BPE vocabulary: the 256 byte symbols, merges that build each colour
 * word (and a few common prompt words), then the added tokens Qwen2 checkpoints carry, with
 * `<image>` added after them as LLaVA-OneVision does.
 */
export const QWEN_SPECIAL = {
  endoftext: "<|endoftext|>",
  imStart: "<|im_start|>",
  imEnd: "<|im_end|>",
  image: "<image>",
} as const;

/** GPT-2's printable stand-in for each byte, which byte-level BPE vocabularies are written in. */
function byteSymbols(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : 256 + extra++));
  return out;
}

const MERGED_WORDS = [...COLOURS, "what", "colour", "color", "is", "it", "the", "this", "image"];

export interface BpeTables {
  vocab: Record<string, number>;
  merges: string[];
  added: { id: number; content: string }[];
  spec: TinyVocab;
}

export function bpeTables(): BpeTables {
  const vocab: Record<string, number> = {};
  const add = (token: string) => {
    vocab[token] ??= Object.keys(vocab).length;
    return vocab[token];
  };
  for (const s of byteSymbols()) add(s);
  const merges: string[] = [];
  const seen = new Set<string>();
  // Left-to-right merges ("r e", "re d") so each word becomes one token.
  for (const word of MERGED_WORDS) {
    for (let i = 2; i <= word.length; i++) {
      const merge = `${word.slice(0, i - 1)} ${word[i - 1]}`;
      if (seen.has(merge)) continue;
      seen.add(merge);
      merges.push(merge);
      add(word.slice(0, i));
    }
  }
  const added = Object.values(QWEN_SPECIAL).map((content) => ({ id: add(content) ?? 0, content }));
  const id = (t: string) => {
    const v = vocab[t];
    if (v === undefined) throw new Error(`token ${t} is not in the tiny BPE vocabulary`);
    return v;
  };
  return {
    vocab,
    merges,
    added,
    spec: {
      size: Object.keys(vocab).length,
      colourIds: Object.fromEntries(COLOURS.map((c) => [c, id(c)])) as Record<Colour, number>,
      eosId: id(QWEN_SPECIAL.imEnd),
      imageId: id(QWEN_SPECIAL.image),
      padId: id(QWEN_SPECIAL.endoftext),
    },
  };
}
