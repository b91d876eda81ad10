import { parseVariants } from "./parse.js";

/**
 * Hashtags from what is in the photo: keywords of the model's description and of any text OCR
 * found, most frequent first, written in CamelCase so screen readers can say them.
 */
const STOP = new Set(
  "a an and are as at be but by for from has have he her his i image in is it its of on or photo picture shows showing she that the their there these they this to was with we you your very some there's it's which while into over under near next front background foreground appears seems looks".split(
    " ",
  ),
);

function toHashtag(words: string): string | undefined {
  const parts = words
    .normalize("NFKC")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (parts.length === 0) return undefined;
  const tag = parts.map((p) => p.charAt(0).toLocaleUpperCase() + p.slice(1)).join("");
  if (/^\p{N}+$/u.test(tag) || tag.length < 2 || tag.length > 40) return undefined;
  return `#${tag}`;
}

export function hashtagsFrom(texts: string[], max: number): string[] {
  const counts = new Map<string, { n: number; first: number }>();
  let order = 0;
  for (const text of texts) {
    for (const word of text
      .toLowerCase()
      .normalize("NFKC")
      .split(/[^\p{L}\p{N}]+/u)) {
      if (word.length < 3 || STOP.has(word) || /^\d+$/.test(word)) continue;
      const prev = counts.get(word);
      counts.set(word, { n: (prev?.n ?? 0) + 1, first: prev?.first ?? order++ });
    }
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || a[1].first - b[1].first);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [word] of ranked) {
    const tag = toHashtag(word);
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
    if (out.length >= max) break;
  }
  return out;
}

function distinctTags(found: readonly string[]): string[] {
  const seen = new Set<string>();
  return found.filter((t) => {
    const k = t.toLowerCase();
    if (seen.has(k) || t.length < 3) return false;
    seen.add(k);
    return true;
  });
}

/** Every hashtag in a text, deduplicated. */
export function parseHashtags(text: string): string[] {
  return distinctTags(text.match(/#[\p{L}\p{N}_]+/gu) ?? []);
}

/** Hashtags at the very end of a text, each after a space or a line break. */
const TRAILING = /(?:(?:^|\s+)#[\p{L}\p{N}_]+)+\s*$/u;
/** What ends a sentence (or a label) before a block of tags. */
const SENTENCE_END = /[.!?…。！？:)"”'’\p{Extended_Pictographic}\p{Regional_Indicator}]$/u;

/**
 * A caption's trailing block of hashtags, split off; hashtags inside a sentence stay. A tag that
 * ends a sentence with no punctuation before it reads as a word ("I love #Paris") and stays too;
 * only the tags after it move. "Sunny day! #Beach #Sun" gives "Sunny day!" and [#Beach, #Sun].
 */
export function splitTrailingHashtags(text: string): { text: string; tags: string[] } {
  const run = TRAILING.exec(text);
  if (!run) return { text, tags: [] };
  const before = text.slice(0, run.index).trimEnd();
  const tags = run[0].match(/#[\p{L}\p{N}_]+/gu) ?? [];
  const block = !before || /\n/.test(run[0].slice(0, run[0].indexOf("#"))) || SENTENCE_END.test(before);
  const keep = block ? 0 : 1;
  const kept = tags.slice(0, keep);
  return {
    text: [before, ...kept].join(" ").trim(),
    tags: distinctTags(tags.slice(keep)),
  };
}

/** Hashtags the model wrote in trailing blocks of its answers' items, deduplicated. */
export function writtenHashtags(answers: readonly string[]): string[] {
  return distinctTags(answers.flatMap((a) => parseVariants(a).flatMap((v) => splitTrailingHashtags(v).tags)));
}
