import { RichText } from "@atproto/api";
import twitter from "twitter-text";
import { describe, expect, it } from "vitest";
import {
  countFor,
  mastodonLength,
  overLimit,
  splitGraphemes,
  type TextRule,
  utf8Bytes,
} from "../../../src/skills/post/count.js";
import { trimToLimit } from "../../../src/skills/post/trim.js";

/**
 * One table, five rules: each string with its length as X, Mastodon and Threads count it, its
 * grapheme clusters (Bluesky, Instagram, LinkedIn, Facebook) and its UTF-8 bytes (Bluesky's
 * second limit). The numbers are worked out from each network's documented rule; the tests then
 * check them against X's own library and against Intl.Segmenter and byte counts.
 */
type Row = [text: string, x: number, mastodon: number, threads: number, graphemes: number, bytes: number];

const SCOTLAND = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";

const TABLE: Row[] = [
  // plain text
  ["hello", 5, 5, 5, 5, 5],
  ["", 0, 0, 0, 0, 0],
  ["tab\tand\nnewline", 15, 15, 15, 15, 15],
  ["Ünïcödé Ümlauts", 15, 15, 15, 15, 20],
  ["Привет мир", 10, 10, 10, 10, 19],
  ["مرحبا بالعالم", 13, 13, 13, 13, 25],
  // links: X counts bare domains too, Mastodon only links with a scheme; both leave `).,` outside
  ["go to bit.ly/x now", 33, 18, 18, 18, 18],
  ["(see https://example.com).", 30, 30, 26, 26, 26],
  ["https://example.com/a/very/long/path/that/goes/on?and=on", 23, 23, 56, 56, 56],
  ["visit x.com", 29, 11, 11, 11, 11],
  ["x.com, bit.ly and t.co", 76, 22, 22, 22, 22],
  ["example.com/path.", 24, 17, 17, 17, 17],
  ["http://example.org!", 24, 24, 19, 19, 19],
  ["<https://example.com/x>", 25, 25, 23, 23, 23],
  ['"https://example.com"', 25, 25, 21, 21, 21],
  ["link: https://en.wikipedia.org/wiki/Paris_(France)", 29, 29, 50, 50, 50],
  ["www.example.com?", 24, 16, 16, 16, 16],
  ["two links https://a.io/x and https://b.io/y.", 62, 62, 44, 44, 44],
  ["ftp://example.com/file", 22, 22, 22, 22, 22],
  ["mail me at team@example.com", 27, 27, 27, 27, 27],
  ["Sunny day ☀️ at https://example.com/beach #Summer", 47, 46, 53, 48, 53],
  ["$AAPL #tag @user https://a.co", 40, 40, 29, 29, 29],
  // mentions: Mastodon counts @user@domain as @user, a profile link as a link
  ["@alice hi", 9, 9, 9, 9, 9],
  ["@alice@mastodon.social hi", 25, 9, 25, 25, 25],
  ["cc @bob@example.org and @carol", 30, 18, 30, 30, 30],
  ["https://mastodon.social/@alice@example.com", 23, 23, 42, 42, 42],
  // CJK: X weighs it 2
  ["日本語", 6, 3, 3, 3, 9],
  ["東京の夜景はとても美しい。", 26, 13, 13, 13, 39],
  ["한국어 텍스트", 13, 7, 7, 7, 19],
  ["中文，标点。", 12, 6, 6, 6, 18],
  ["…—“quotes”‘’", 13, 12, 12, 12, 24],
  // emoji: X 2 for any sequence; Threads their UTF-8 bytes
  ["😀", 2, 1, 4, 1, 4],
  ["🥏🥏🥏", 6, 3, 12, 3, 12],
  ["❤️", 2, 1, 6, 1, 6],
  ["❤", 2, 1, 3, 1, 3],
  // skin tones
  ["👍🏽", 2, 1, 8, 1, 8],
  ["👋🏿 hi", 5, 4, 11, 4, 11],
  // flags
  ["🇯🇵", 2, 1, 8, 1, 8],
  ["🇯🇵🇫🇷", 4, 2, 16, 2, 16],
  [SCOTLAND, 2, 1, 28, 1, 28],
  // keycaps
  ["1️⃣", 2, 1, 7, 1, 7],
  ["#️⃣ *️⃣", 5, 3, 15, 3, 15],
  // ZWJ sequences
  ["👨‍👩‍👧‍👦", 2, 1, 25, 1, 25],
  ["👩🏽‍💻", 2, 1, 15, 1, 15],
  ["🏳️‍🌈", 2, 1, 14, 1, 14],
  // combining marks: X normalises to NFC first; graphemes keep a letter and its marks together
  ["café", 4, 4, 4, 4, 5],
  ["cafe\u0301", 4, 4, 4, 4, 6],
  ["z\u0336\u0335a\u0337", 5, 2, 2, 2, 8],
  ["n\u0303 and ñ", 7, 7, 7, 7, 10],
  ["สวัสดี", 6, 4, 4, 4, 18],
];

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const segments = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);

describe("the counting table", () => {
  it("has at least 40 strings, every kind the issue names among them", () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    const texts = TABLE.map((r) => r[0]);
    for (const needle of [
      "bit.ly",
      "https://",
      "(see",
      "日本",
      "🏽",
      "🇯🇵",
      "⃣",
      "\u200d",
      "\u0301",
      "@alice@",
    ])
      expect(texts.some((t) => t.includes(needle))).toBe(true);
  });
});

describe("X: twitter-text's parseTweet", () => {
  it.each(TABLE)("%j", (text, x) => {
    expect(countFor("x-weighted", text)).toBe(x);
    expect(twitter.parseTweet(text).weightedLength).toBe(x);
  });

  it("the three strings the hand-written weighting got wrong", () => {
    expect(countFor("x-weighted", "go to bit.ly/x now")).toBe(33);
    expect(countFor("x-weighted", "(see https://example.com).")).toBe(30);
    expect(countFor("x-weighted", "1️⃣")).toBe(2);
  });
});

describe("graphemes (Instagram, LinkedIn, Facebook) and Bluesky: Intl.Segmenter and UTF-8 bytes", () => {
  it.each(TABLE)("%j", (text, _x, _m, _t, graphemes, bytes) => {
    expect(countFor("graphemes", text)).toBe(graphemes);
    expect(countFor("bluesky", text)).toBe(graphemes);
    expect(segments(text)).toHaveLength(graphemes);
    expect(splitGraphemes(text)).toEqual(segments(text));
    expect(utf8Bytes(text)).toBe(bytes);
    expect(Buffer.byteLength(text, "utf8")).toBe(bytes);
    // Bluesky's own client library agrees on both.
    const rt = new RichText({ text });
    expect(rt.graphemeLength).toBe(graphemes);
    expect(rt.length).toBe(bytes);
  });
});

describe("Threads: characters, each emoji as its UTF-8 bytes", () => {
  it.each(TABLE)("%j", (text, _x, _m, threads) => {
    expect(countFor("threads", text)).toBe(threads);
    const emoji = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
    const expected = segments(text).reduce((n, g) => n + (emoji.test(g) ? Buffer.byteLength(g) : 1), 0);
    expect(threads).toBe(expected);
  });
});

describe("Mastodon: graphemes, links with a scheme as 23, @user@domain as @user", () => {
  it.each(TABLE)("%j", (text, _x, mastodon, _t, graphemes) => {
    expect(countFor("mastodon", text)).toBe(mastodon);
    // With no link and no mention it is the grapheme count.
    if (!/https?:\/\/|@/.test(text)) expect(mastodon).toBe(graphemes);
  });

  it("counts each link as the instance's characters_reserved_per_url", () => {
    expect(mastodonLength("see https://example.com/a/long/path", 30)).toBe(4 + 30);
    expect(countFor("mastodon", "two https://a.io https://b.io", { urlLength: 10 })).toBe(4 + 10 + 1 + 10);
  });
});

describe("limits with more than one rule", () => {
  const bluesky: TextRule = { counting: "bluesky", limit: 300, maxBytes: 3000 };

  it("Bluesky: 300 family emoji are 300 graphemes but 7,500 bytes, so the byte rule fails", () => {
    const text = "👨‍👩‍👧‍👦".repeat(300);
    expect(overLimit(bluesky, text)).toEqual({ count: 7500, limit: 3000, unit: "bytes (UTF-8)" });
    expect(overLimit(bluesky, "a".repeat(301))).toEqual({ count: 301, limit: 300, unit: "graphemes" });
    expect(overLimit(bluesky, "a".repeat(300))).toBeUndefined();
  });

  it("trimming keeps to both: whole emoji sequences, under 3,000 bytes", () => {
    const out = trimToLimit("👨‍👩‍👧‍👦 ".repeat(300), bluesky);
    expect(utf8Bytes(out)).toBeLessThanOrEqual(3000);
    expect(utf8Bytes(out)).toBeGreaterThan(2900);
    for (const g of splitGraphemes(out)) expect(["👨‍👩‍👧‍👦", " ", "…"]).toContain(g);
  });

  it("trimming for Threads counts emoji by their bytes", () => {
    const out = trimToLimit("🥏 ".repeat(200), { counting: "threads", limit: 500 });
    expect(countFor("threads", out)).toBeLessThanOrEqual(500);
    expect(countFor("threads", out)).toBeGreaterThan(490);
    expect(splitGraphemes(out).filter((g) => g === "🥏").length).toBeLessThan(110);
  });

  it("trimming for X keeps a link whole: it counts 23 however long it is", () => {
    const link = "https://example.com/a/very/long/path/that/goes/on/and/on/and/on/and/on/and/on/and/on";
    const out = trimToLimit(`${link} ${"word ".repeat(100)}`, { counting: "x-weighted", limit: 100 });
    expect(out.startsWith(link)).toBe(true);
    expect(countFor("x-weighted", out)).toBeLessThanOrEqual(100);
  });
});
