import twitter from "twitter-text";

/**
 * Each network's length rule as one function, with where the rule comes from. X's comes from
 * X's own library (twitter-text); the others have no library we keep, so they are written here
 * and tested side by side with Intl.Segmenter and UTF-8 byte counts (test/unit/post/count.test.ts).
 */
export type Counting = "graphemes" | "codepoints" | "x-weighted" | "mastodon" | "threads" | "bluesky";

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const utf8 = new TextEncoder();

export function splitGraphemes(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

export function utf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

/** Instagram, LinkedIn, Facebook: what a reader sees as one character (a grapheme cluster). */
function graphemeLength(text: string): number {
  return splitGraphemes(text).length;
}

/** Mastodon's alt text (MediaAttachment's length validation, Ruby's String#length): code points. */
function codepointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * X: twitter-text's parseTweet (developer.x.com, "Counting characters"): NFC first, links with or
 * without a scheme count 23, CJK and emoji (whole sequences) 2, most Latin 1.
 */
function xLength(text: string): number {
  return twitter.parseTweet(text).weightedLength;
}

const WORD = "\\p{L}\\p{M}\\p{N}\\p{Pc}";
/** Mastodon's Account::MENTION_RE: @user, optionally @user@domain. */
const MENTION = new RegExp(
  `(?<![=/${WORD}])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[${WORD}.-]+[${WORD}]+)?`,
  "giu",
);
/** twitter-text's end_mention_match: a mention followed by these is not one. */
const NOT_AFTER_MENTION = /^(?:[@＠À-ÖØ-öø-ÿ]|:\/\/)/u;

/**
 * Mastodon (app/validators/status_length_validator.rb): grapheme clusters, after each link with a
 * scheme is counted as `urlLength` (the instance's characters_reserved_per_url, 23 by default) and
 * each remote mention `@user@domain` as `@user`. Links are found by twitter-text, as Mastodon does.
 */
export function mastodonLength(text: string, urlLength = 23): number {
  type Span = { start: number; end: number; as: string };
  const spans: Span[] = twitter
    .extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false })
    .map((u) => ({ start: u.indices[0], end: u.indices[1], as: "x".repeat(urlLength) }));
  for (const m of text.matchAll(MENTION)) {
    const end = (m.index ?? 0) + m[0].length;
    if (NOT_AFTER_MENTION.test(text.slice(end))) continue;
    spans.push({ start: m.index ?? 0, end, as: `@${m[1]}` });
  }
  // Overlapping entities: the one that starts first wins (twitter-text's removeOverlappingEntities).
  spans.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + s.as;
    at = s.end;
  }
  return graphemeLength(out + text.slice(at));
}

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/**
 * Threads (developers.facebook.com/documentation/threads/posts, "Limitations"): 500 characters,
 * and "emojis are counted as the number of UTF-8 bytes" (😀 4, 👍🏽 8, a keycap 7).
 */
function threadsLength(text: string): number {
  return splitGraphemes(text).reduce((n, g) => n + (EMOJI.test(g) ? utf8Bytes(g) : 1), 0);
}

/**
 * Bluesky (lexicon app.bsky.feed.post, `text`): maxGraphemes 300 and maxLength 3,000, the latter
 * in UTF-8 bytes; this is the grapheme count, utf8Bytes the other.
 */
function blueskyLength(text: string): number {
  return graphemeLength(text);
}

/** Length of a post the way the network counts it. */
export function countFor(counting: Counting, text: string, o: { urlLength?: number } = {}): number {
  switch (counting) {
    case "x-weighted":
      return xLength(text);
    case "mastodon":
      return mastodonLength(text, o.urlLength);
    case "threads":
      return threadsLength(text);
    case "bluesky":
      return blueskyLength(text);
    case "codepoints":
      return codepointLength(text);
    default:
      return graphemeLength(text);
  }
}

/** What a text must keep to on one network. */
export interface TextRule {
  counting: Counting;
  limit: number;
  /** UTF-8 bytes it may take as well (Bluesky: 3,000). */
  maxBytes?: number;
  /** What each link counts as, where a network says (Mastodon's characters_reserved_per_url). */
  urlLength?: number;
}

/** The word for a count's unit in a sentence. */
export function unitOf(counting: Counting): string {
  return counting === "bluesky" ? "graphemes" : "characters";
}

export interface Overage {
  count: number;
  limit: number;
  unit: string;
}

/** The first limit a text breaks, or undefined when it fits. */
export function overLimit(rule: TextRule, text: string): Overage | undefined {
  const count = countFor(rule.counting, text, rule.urlLength ? { urlLength: rule.urlLength } : {});
  if (count > rule.limit) return { count, limit: rule.limit, unit: unitOf(rule.counting) };
  if (rule.maxBytes !== undefined) {
    const bytes = utf8Bytes(text);
    if (bytes > rule.maxBytes) return { count: bytes, limit: rule.maxBytes, unit: "bytes (UTF-8)" };
  }
  return undefined;
}

export function fits(rule: TextRule, text: string): boolean {
  return overLimit(rule, text) === undefined;
}
