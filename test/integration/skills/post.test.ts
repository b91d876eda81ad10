import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import twitter from "twitter-text";
import { afterAll, describe, expect, it } from "vitest";
import { postBundleSchema } from "../../../src/core/jobs.js";
import type { ModelPort } from "../../../src/core/model-port.js";
import { PLATFORM_NAMES, type PlatformName } from "../../../src/core/post-state.js";
import { closeOcr } from "../../../src/skills/ocr/pool.js";
import { writePostBundle } from "../../../src/skills/post/bundle.js";
import { cleanCaption } from "../../../src/skills/post/captions.js";
import { countFor } from "../../../src/skills/post/count.js";
import { post } from "../../../src/skills/post/index.js";
import { parseVariants } from "../../../src/skills/post/parse.js";
import { PRESETS } from "../../../src/skills/post/presets.js";
import { asModelImage, changeIn, fixture } from "../../helpers/images.js";
import { testConfig } from "../../helpers/queue.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { tinyModelPort } from "../../helpers/tiny-model.js";

afterAll(closeOcr);

const PHOTOS = ["frisbee.jpg", "extreme_ironing.jpg", "cat_comp.jpeg", "dog_phone.webp", "waterview.jpg"];

// A model that rambles: long emoji- and CJK-heavy captions, far past every limit.
const rambling = [
  "Two people play frisbee on a green lawn in a park, with bare trees behind them.",
  "Two men playing frisbee in a park.",
  [
    `1. ${"Weekend frisbee in the park 🥏👨‍👩‍👧‍👦🇯🇵 ".repeat(40)}`,
    `2. ${"公園でフリスビーを楽しむ週末。".repeat(60)}`,
    `3. "${"Catch me if you can! 😄👍🏽 ".repeat(50)}" #Frisbee #Park #Weekend ${Array.from({ length: 40 }, (_, i) => `#tag${i}`).join(" ")}`,
  ].join("\n"),
];

/** How a network counts a caption, worked out here (X by its own library, twitter-text). */
const graphemes = (t: string) => [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(t)].length;
const codePoints = (t: string) => [...t].length;
const xWeighted = (t: string) => twitter.parseTweet(t).weightedLength;
// Threads counts each emoji as its UTF-8 bytes: test/unit/post/count.test.ts checks that rule by its table.
const threads = (t: string) => countFor("threads", t);

/**
 * Each network's published limits, written here rather than read from the presets under test:
 * caption (and how it is counted), Bluesky's second limit in UTF-8 bytes, alt text, image bytes.
 * Sources: Instagram Graph API (2,200; 8 MB), developer.x.com "Counting characters" (280; 5 MB;
 * alt 1,000), LinkedIn (3,000; alt 300), Threads API (500; alt 1,000; 8 MB), Bluesky lexicons
 * app.bsky.feed.post (300 graphemes, 3,000 bytes) and app.bsky.embed.images (2,000,000 bytes;
 * alt 2,000 in the app), Mastodon instance defaults (500 graphemes; alt 1,500 code points; 16 MiB), Pixelfed's
 * config/pixelfed.php defaults (500; alt 1,000; 15,000 KB), Facebook (63,206). The story takes no caption: its 80-character overlay is ours, not Instagram's.
 */
type Documented = {
  caption: number;
  count: (t: string) => number;
  bytes?: number;
  alt: number;
  altCount?: (t: string) => number;
  image: number;
};
const INSTAGRAM: Documented = { caption: 2200, count: graphemes, alt: 2200, image: 8_000_000 };
const LINKEDIN: Documented = { caption: 3000, count: graphemes, alt: 300, image: 8_000_000 };
const DOCUMENTED: Record<PlatformName, Documented> = {
  instagram: INSTAGRAM,
  "instagram-square": INSTAGRAM,
  "instagram-story": { caption: 80, count: graphemes, alt: 0, image: 8_000_000 },
  x: { caption: 280, count: xWeighted, alt: 1000, image: 5_000_000 },
  linkedin: LINKEDIN,
  "linkedin-square": LINKEDIN,
  threads: { caption: 500, count: threads, alt: 1000, image: 8_000_000 },
  bluesky: { caption: 300, count: graphemes, bytes: 3000, alt: 2000, image: 2_000_000 },
  facebook: { caption: 63_206, count: graphemes, alt: 1000, image: 8_000_000 },
  // Mastodon counts grapheme clusters (StatusLengthValidator), its alt text in code points.
  mastodon: { caption: 500, count: graphemes, alt: 1500, altCount: codePoints, image: 16 * 1024 * 1024 },
  // Pixelfed validates with Laravel's `max:` (mb_strlen: code points, links in full); photos in KB.
  pixelfed: { caption: 500, count: codePoints, alt: 1000, altCount: codePoints, image: 15_000 * 1024 },
};

async function withGps(name: string): Promise<Buffer> {
  return sharp(fixture(name))
    .withExif({ IFD0: { Make: "LeakyCam" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 24/1" } })
    .jpeg()
    .toBuffer();
}

describe("post skill for every preset", () => {
  it.each(PLATFORM_NAMES.map((platform, i) => ({ platform, photo: PHOTOS[i % PHOTOS.length] as string })))(
    "$platform from $photo: aspect, size, metadata and every caption within the limit",
    async ({ platform, photo }) => {
      const preset = PRESETS[platform];
      const story = preset.text === "overlay";
      const input = await withGps(photo);
      const result = await post.run(
        {
          images: [await asModelImage(input)],
          text: "",
          // A story takes no alt text, so the model is not asked for one.
          model: scriptedModel(story ? [rambling[0] ?? "", rambling[2] ?? ""] : rambling),
          config: testConfig(),
          signal: new AbortController().signal,
        },
        { platform, tone: "playful", variants: 3, lang: "en" },
      );
      const image = result.images?.[0];
      expect(image).toBeDefined();
      const meta = await sharp(image?.bytes).metadata();
      const [w, h] = preset.aspect.split(":").map(Number) as [number, number];
      expect(Math.abs((meta.width ?? 0) - ((meta.height ?? 0) * w) / h)).toBeLessThanOrEqual(1);
      expect(meta.width).toBeLessThanOrEqual(preset.width);
      const rules = DOCUMENTED[platform];
      expect(image?.bytes.length).toBeLessThanOrEqual(rules.image);
      expect(meta.exif).toBeUndefined();
      expect(image?.bytes.includes(Buffer.from("LeakyCam"))).toBe(false);
      const bundle = result.data as {
        variants: { text: string; hashtags: string[]; chars: number }[];
        altText: string;
        limit: number;
      };
      expect(bundle.variants).toHaveLength(3);
      // The rambling model wrote far past every limit: each caption was cut to the network's own.
      expect(bundle.limit).toBeLessThanOrEqual(rules.caption);
      for (const v of bundle.variants) {
        expect(rules.count(v.text)).toBeLessThanOrEqual(rules.caption);
        if (rules.bytes) expect(Buffer.byteLength(v.text)).toBeLessThanOrEqual(rules.bytes);
        expect(v.chars).toBe(rules.count(v.text));
        expect(v.hashtags.length).toBeLessThanOrEqual(preset.maxHashtags);
      }
      expect((rules.altCount ?? graphemes)(bundle.altText)).toBeLessThanOrEqual(rules.alt);
      if (story) {
        // No alt text to paste into Instagram; in chat the image is still described.
        expect(bundle.altText).toBe("");
        expect(image?.altText).toBe(rambling[0]);
        expect(result.text).not.toContain("Alt text:");
        expect(result.text).toMatch(/^Instagram story post, 3 overlay texts \(limit 80\)/);
        for (const v of bundle.variants) expect(v.hashtags).toEqual([]);
      } else {
        expect(bundle.altText).toBe("Two men playing frisbee in a park.");
        expect(image?.altText).toBe(bundle.altText);
      }
    },
  );

  it("a look and a watermark are applied to the post image", async () => {
    const image = async (extra: { look?: string; watermark?: string }) => {
      const r = await post.run(
        {
          images: [await asModelImage(fixture("frisbee.jpg"))],
          text: "",
          model: scriptedModel(["a park"]),
          config: testConfig(),
          signal: new AbortController().signal,
        },
        { platform: "instagram", tone: "casual", variants: 1, lang: "en", ...extra },
      );
      return r.images?.[0]?.bytes ?? Buffer.alloc(0);
    };
    const plainBytes = await image({});
    const styledBytes = await image({ look: "mono", watermark: "© me" });
    const lookBytes = await image({ look: "mono" });
    // The look: mono takes the colour out.
    const a = await sharp(plainBytes).stats();
    const b = await sharp(styledBytes).stats();
    const chroma = (s: typeof a) => Math.abs((s.channels[0]?.mean ?? 0) - (s.channels[2]?.mean ?? 0));
    expect(chroma(b)).toBeLessThan(chroma(a));
    // The watermark: beside the same look without it, the bottom-right corner changed, the rest did not.
    const { width = 0, height = 0 } = await sharp(styledBytes).metadata();
    const box = (left: number, top: number) => ({
      left: Math.floor(left),
      top: Math.floor(top),
      width: Math.floor(width * 0.1),
      height: Math.floor(height * 0.05),
    });
    const corner = await changeIn(lookBytes, styledBytes, box(width * 0.87, height * 0.93));
    const elsewhere = await changeIn(lookBytes, styledBytes, box(width * 0.03, height * 0.02));
    expect(elsewhere).toBeLessThan(10);
    expect(corner).toBeGreaterThan(elsewhere * 2 + 10);
  });
});

describe("every caption comes from the model", () => {
  const SET_ANSWER = "1. Frisbee Sunday, best Sunday 🥏";
  const GARBAGE = "### *** <unk> ---";
  const MORE = ["Chasing the disc across the grass", "Two friends, one frisbee, zero worries"];
  const MODEL_CAPTIONS = ["Frisbee Sunday, best Sunday 🥏", ...MORE];

  async function runPost(model: ModelPort, variants: number, config = testConfig()) {
    const result = await post.run(
      {
        images: [await asModelImage(fixture("frisbee.jpg"))],
        text: "",
        model,
        config,
        signal: new AbortController().signal,
      },
      { platform: "instagram", tone: "playful", variants, lang: "en" },
    );
    return { result, bundle: postBundleSchema.parse(result.data) };
  }
  const body = (text: string) => text.split("\n\n#")[0]?.trim();

  it("one caption, then garbage, then two more: only model captions, re-asked a bounded number of times", async () => {
    const model = scriptedModel([
      "Two people play frisbee in a park.",
      "Two men playing frisbee in a park.",
      SET_ANSWER,
      GARBAGE,
      ...MORE,
    ]);
    const { bundle, result } = await runPost(model, 3);
    expect(bundle.variants.map((v) => body(v.text))).toEqual(MODEL_CAPTIONS);
    expect(bundle.requested).toBe(3);
    expect(bundle.shortfall).toBeUndefined();
    // describe, alt text, the set, then exactly three single-caption asks
    expect(model.requests).toHaveLength(6);
    const extra = model.requests.slice(3);
    for (const r of extra) expect(r.temperature).toBeGreaterThan(0);
    expect(extra[0]?.messages[0]?.content).toContain("Frisbee Sunday, best Sunday");
    expect(extra[2]?.messages[0]?.content).toContain("Chasing the disc across the grass");
    expect(result.text).not.toMatch(/Nobody|Plot twist|Warning: extreme/);
  });

  it("when the model keeps repeating itself, the post has fewer captions and records why", async () => {
    const model = scriptedModel([
      "Two people play frisbee in a park.",
      "Two men playing frisbee in a park.",
      SET_ANSWER,
      GARBAGE,
      ...MORE, // then MORE[1] again and again: near-duplicates
    ]);
    const { bundle, result } = await runPost(model, 5, testConfig({ post: { maxExtraCalls: 4 } }));
    expect(bundle.variants.map((v) => body(v.text))).toEqual(MODEL_CAPTIONS);
    expect(model.requests).toHaveLength(3 + 4);
    expect(bundle.requested).toBe(5);
    expect(bundle.shortfall).toMatch(
      /wrote 3 distinct captions of the 5 asked for \(asked 4 more times; 1 repeated/,
    );
    expect(result.text).toMatch(/3 captions of 5 asked for/);
    const dir = mkdtempSync(join(tmpdir(), "post-bundle-"));
    await writePostBundle(dir, bundle, result.images?.[0]);
    const json = JSON.parse(readFileSync(join(dir, "post.json"), "utf8")) as Record<string, unknown>;
    expect(json).toMatchObject({ requested: 5, shortfall: bundle.shortfall });
  });

  it("the tiny model's post has no caption the model did not write", async () => {
    const tiny = await tinyModelPort();
    const written: string[] = [];
    const recording: ModelPort = {
      id: tiny.id,
      load: () => tiny.load(),
      dispose: () => tiny.dispose(),
      async generate(r) {
        const out = await tiny.generate(r);
        written.push(out.text);
        return out;
      },
    };
    try {
      const { bundle } = await runPost(recording, 3);
      expect(bundle.variants.length).toBeGreaterThanOrEqual(1);
      const fromModel = new Set(written.flatMap((w) => parseVariants(w).map(cleanCaption)));
      for (const v of bundle.variants) expect(fromModel).toContain(body(v.text));
      if (bundle.variants.length < 3) expect(bundle.shortfall).toMatch(/of the 3 asked for/);
      // describe, alt, the set, and at most post.maxExtraCalls more
      expect(written.length).toBeLessThanOrEqual(3 + testConfig().post.maxExtraCalls);
    } finally {
      await tiny.dispose();
    }
  });
});
