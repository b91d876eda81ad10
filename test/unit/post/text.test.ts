import { describe, expect, it } from "vitest";
import { composePost } from "../../../src/skills/post/compose.js";
import { countFor, splitGraphemes } from "../../../src/skills/post/count.js";
import { hashtagsFrom, parseHashtags } from "../../../src/skills/post/hashtags.js";
import { parseVariants } from "../../../src/skills/post/parse.js";
import { PRESETS } from "../../../src/skills/post/presets.js";
import { trimToLimit } from "../../../src/skills/post/trim.js";

const FAMILY = "👨‍👩‍👧‍👦";
const FLAG = "🇯🇵";
const THUMB = "👍🏽";

describe("counting as platforms count", () => {
  it("counts grapheme clusters, so an emoji family is one", () => {
    expect(countFor("graphemes", `hi ${FAMILY}${FLAG}${THUMB}`)).toBe(6);
  });

  it("X weights CJK and emoji as 2 and any URL as 23", () => {
    expect(countFor("x-weighted", "hello")).toBe(5);
    expect(countFor("x-weighted", "日本語")).toBe(6);
    expect(countFor("x-weighted", FAMILY)).toBe(2);
    expect(countFor("x-weighted", "see https://example.com/a/very/long/path/that/goes/on?and=on")).toBe(
      4 + 23,
    );
  });

  it("Mastodon counts URLs as 23", () => {
    expect(countFor("mastodon", "x https://example.com/short")).toBe(2 + 23);
  });
});

describe("trimming adversarial model output", () => {
  it("cuts one 5,000-character sentence at a word boundary, never mid-word", () => {
    const words = Array.from({ length: 1000 }, (_, i) => `word${i}`).join(" ");
    const out = trimToLimit(words, { counting: "x-weighted", limit: 280 });
    expect(countFor("x-weighted", out)).toBeLessThanOrEqual(280);
    expect(out.endsWith("…")).toBe(true);
    const last = out.slice(0, -1).split(" ").at(-1) ?? "";
    expect(words.split(" ")).toContain(last);
  });

  it("cuts a 5,000-character run with no spaces at a grapheme boundary", () => {
    const out = trimToLimit("a".repeat(5000), { counting: "graphemes", limit: 300 });
    expect(countFor("graphemes", out)).toBeLessThanOrEqual(300);
  });

  it("prefers a sentence end when one is near", () => {
    const text = `${"This is a fine sentence. ".repeat(20)}And then it rambles on and on without end forever more`;
    const out = trimToLimit(text, { counting: "graphemes", limit: 300 });
    expect(out.endsWith(".")).toBe(true);
    expect(countFor("graphemes", out)).toBeLessThanOrEqual(300);
  });

  it.each([FAMILY, FLAG, THUMB])("never splits the emoji sequence %s at the cut", (emoji) => {
    for (let pad = 0; pad < 6; pad++) {
      const text = `${"x".repeat(270 + pad)}${emoji.repeat(20)}`;
      const out = trimToLimit(text, { counting: "graphemes", limit: 280 });
      expect(countFor("graphemes", out)).toBeLessThanOrEqual(280);
      // Every grapheme of the output is a whole grapheme of the input.
      const allowed = new Set(splitGraphemes(text).concat("…"));
      for (const g of splitGraphemes(out)) expect(allowed.has(g)).toBe(true);
    }
  });

  it("keeps CJK within X's weighted limit", () => {
    const out = trimToLimit("東京の夜景はとても美しい。".repeat(50), { counting: "x-weighted", limit: 280 });
    expect(countFor("x-weighted", out)).toBeLessThanOrEqual(280);
    expect(out.length).toBeGreaterThan(100);
  });

  it("40 hashtags are cut to what the platform allows and the post still fits", () => {
    const tags = Array.from({ length: 40 }, (_, i) => `#Tag${i}Something`);
    for (const preset of Object.values(PRESETS)) {
      const post = composePost(`A caption. ${tags.join(" ")}`, tags, preset);
      expect(post.hashtags.length).toBeLessThanOrEqual(preset.maxHashtags);
      expect(countFor(preset.counting, post.text)).toBeLessThanOrEqual(preset.captionLimit);
      expect(post.chars).toBe(countFor(preset.counting, post.text));
    }
  });
});

describe("parsing captions however the model writes them", () => {
  it.each([
    [
      "numbered",
      '1. "Sunny day at the lake"\n2. Calm waters ahead\n3) Nature at its best',
      ["Sunny day at the lake", "Calm waters ahead", "Nature at its best"],
    ],
    ["JSON array", 'Here you go: ["One", "Two"]', ["One", "Two"]],
    ["JSON object", '{"captions": [{"text": "Alpha"}, {"text": "Beta"}]}', ["Alpha", "Beta"]],
    ["labelled", "Caption 1: First one\nCaption 2: Second one", ["First one", "Second one"]],
    ["bullets", "- one\n- two\n• three", ["one", "two", "three"]],
    ["paragraphs", "First idea.\n\nSecond idea.", ["First idea.", "Second idea."]],
  ])("%s", (_name, raw, expected) => {
    expect(parseVariants(raw)).toEqual(expected);
  });
});

describe("hashtags from the photo", () => {
  it("come from the description and the OCR text, deduplicated, in CamelCase", () => {
    const tags = hashtagsFrom(
      ["Two men play frisbee in a green park. The frisbee flies.", "CITY PARK open"],
      4,
    );
    expect(tags[0]).toBe("#Frisbee");
    expect(tags).toContain("#Park");
    expect(new Set(tags.map((t) => t.toLowerCase())).size).toBe(tags.length);
  });

  it("reads hashtags the model wrote", () => {
    expect(parseHashtags("Nice #Sunset #sunset #BeachLife #a")).toEqual(["#Sunset", "#BeachLife"]);
  });
});
