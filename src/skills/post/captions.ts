import { CodedError, ErrorCode } from "../../errors.js";
import { splitGraphemes } from "./count.js";
import { splitTrailingHashtags } from "./hashtags.js";
import { parseVariants, unquote } from "./parse.js";

/**
 * Captions come only from the model. Ask for the set, keep what is usable and distinct, then ask
 * for one caption at a time (sampled, told what is already written) until there are enough or the
 * extra asks run out. What the model does not write is left out, and the shortfall says so.
 */

/** Control tokens and chat markup some models leak into their text. */
const MARKUP = /<\/?(?:s|unk|pad|image|im_start|im_end|\|[^|>]{1,30}\|)>|\[\/?INST\]/gi;

/** A list marker left on a lone item ("1. …", "- …", "Caption 2: …"). */
const LIST_MARKER = /^\s*(?:(?:caption|variant|option)\s*\d{1,2}\s*[:.)-]\s*|\d{1,2}\s*[.)]\s+|[-*•]\s+)/i;

/**
 * The model's text as a caption: markup, wrapping quotes and a trailing block of hashtags removed
 * (those go to the hashtag list); hashtags inside a sentence stay ("I love #Paris in spring").
 * "" when nothing is left.
 */
export function cleanCaption(raw: string): string {
  const text = raw
    .replace(MARKUP, " ")
    .replace(LIST_MARKER, "")
    .replace(/[ \t]+/g, " ")
    .replace(/\s*\n\s*/g, "\n");
  return unquote(splitTrailingHashtags(unquote(text)).text);
}

/**
 * Whether model text can be a caption at all: it has words (at least two letters), is mostly
 * letters and emoji rather than symbols, and is not a list heading such as "Here are 3 captions:".
 */
export function usableCaption(text: string): boolean {
  const visible = splitGraphemes(text).filter((g) => !/\s/u.test(g));
  const letters = visible.filter((g) => /\p{L}/u.test(g)).length;
  if (letters < 2) return false;
  const wordy = visible.filter((g) => /[\p{L}\p{N}\p{Extended_Pictographic}\p{Regional_Indicator}]/u.test(g));
  if (wordy.length / visible.length < 0.6) return false;
  if (/:\s*$/.test(text) && text.length < 80) return false;
  return true;
}

/** Lower case, no accents, punctuation, emoji or extra spaces: what two captions are compared on. */
function normaliseCaption(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLocaleLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function bigrams(s: string): Map<string, number> {
  const out = new Map<string, number>();
  const t = ` ${s} `;
  for (let i = 0; i < t.length - 1; i++) {
    const g = t.slice(i, i + 2);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient of character bigrams of the normalised texts: 1 for the same words, near 0 for unrelated. */
export function captionSimilarity(a: string, b: string): number {
  const na = normaliseCaption(a);
  const nb = normaliseCaption(b);
  if (!na || !nb) return a.trim() === b.trim() ? 1 : 0;
  if (na === nb) return 1;
  const ga = bigrams(na);
  const gb = bigrams(nb);
  let shared = 0;
  let total = 0;
  for (const [g, n] of ga) {
    shared += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return (2 * shared) / total;
}

/** Captions this similar are the same caption reworded (a changed word or two, punctuation, emoji). */
const NEAR_DUPLICATE = 0.85;

export function isNearDuplicate(candidate: string, others: readonly string[]): boolean {
  return others.some((o) => captionSimilarity(candidate, o) >= NEAR_DUPLICATE);
}

export interface CollectOptions {
  /** How many captions are wanted. */
  wanted: number;
  /** The first ask, for the whole set; its answer may be a list in any shape parseVariants reads. */
  askSet: () => Promise<string>;
  /** One more caption, given the ones kept so far (and `avoid`), sampled. */
  askOne: (written: readonly string[], attempt: number) => Promise<string>;
  /** Extra single-caption asks allowed after the set. */
  maxExtraCalls: number;
  signal?: AbortSignal;
  /** Earlier captions the new ones must not repeat (regenerate); never returned. */
  avoid?: readonly string[];
  /** An extra check on each caption (e.g. "shorter than before"). */
  accept?: (caption: string) => boolean;
}

export interface Collected {
  captions: string[];
  /** Model calls made after the set. */
  extraCalls: number;
  /** Why there are fewer captions than wanted; absent when there are enough. */
  shortfall?: string;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CodedError(ErrorCode.Aborted, "The request was cancelled.");
}

export async function collectCaptions(o: CollectOptions): Promise<Collected> {
  const kept: string[] = [];
  const avoid = o.avoid ?? [];
  let rejected = 0;
  let duplicates = 0;
  const take = (raw: string) => {
    for (const item of parseVariants(raw)) {
      if (kept.length >= o.wanted) return;
      const caption = cleanCaption(item);
      if (!usableCaption(caption) || (o.accept && !o.accept(caption))) rejected++;
      else if (isNearDuplicate(caption, [...kept, ...avoid])) duplicates++;
      else kept.push(caption);
    }
  };
  throwIfAborted(o.signal);
  take(await o.askSet());
  let extraCalls = 0;
  while (kept.length < o.wanted && extraCalls < o.maxExtraCalls) {
    throwIfAborted(o.signal);
    const before = kept.length;
    const raw = await o.askOne([...kept], extraCalls);
    extraCalls++;
    // A single-caption ask counts only its first usable item: a model that answers with a list
    // again is still asked for one.
    const single = parseVariants(raw);
    take(single.length > 1 ? (single.find((s) => usableCaption(cleanCaption(s))) ?? "") : raw);
    if (kept.length === before && !single.length) rejected++;
  }
  if (kept.length >= o.wanted) return { captions: kept, extraCalls };
  const reasons = [
    duplicates ? `${duplicates} repeated an earlier caption` : "",
    rejected ? `${rejected} ${rejected === 1 ? "answer was" : "answers were"} not a usable caption` : "",
  ].filter(Boolean);
  const shortfall =
    `The model wrote ${kept.length} distinct caption${kept.length === 1 ? "" : "s"} of the ${o.wanted} asked for` +
    ` (asked ${extraCalls} more time${extraCalls === 1 ? "" : "s"}${reasons.length ? `; ${reasons.join(", ")}` : ""}).`;
  return { captions: kept, extraCalls, shortfall };
}
