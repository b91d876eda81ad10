import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { closeOcr } from "../../../src/skills/ocr/pool.js";
import { countFor } from "../../../src/skills/post/count.js";
import { post } from "../../../src/skills/post/index.js";
import { PLATFORM_NAMES, PRESETS } from "../../../src/skills/post/presets.js";
import { asModelImage, fixture } from "../../helpers/images.js";
import { testConfig } from "../../helpers/queue.js";
import { scriptedModel } from "../../helpers/scripted-model.js";

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
      const input = await withGps(photo);
      const result = await post.run(
        {
          images: [await asModelImage(input)],
          text: "",
          model: scriptedModel(rambling),
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
      expect(image?.bytes.length).toBeLessThanOrEqual(preset.maxBytes);
      expect(meta.exif).toBeUndefined();
      expect(image?.bytes.includes(Buffer.from("LeakyCam"))).toBe(false);
      const bundle = result.data as {
        variants: { text: string; hashtags: string[]; chars: number }[];
        altText: string;
        limit: number;
      };
      expect(bundle.variants).toHaveLength(3);
      for (const v of bundle.variants) {
        expect(countFor(preset.counting, v.text)).toBeLessThanOrEqual(preset.captionLimit);
        expect(v.chars).toBe(countFor(preset.counting, v.text));
        expect(v.hashtags.length).toBeLessThanOrEqual(preset.maxHashtags);
      }
      expect(countFor("graphemes", bundle.altText)).toBeLessThanOrEqual(preset.altLimit);
      expect(bundle.altText).toBe("Two men playing frisbee in a park.");
      expect(image?.altText).toBe(bundle.altText);
    },
  );

  it("a look and a watermark are applied to the post image", async () => {
    const input = fixture("frisbee.jpg");
    const plain = await post.run(
      {
        images: [await asModelImage(input)],
        text: "",
        model: scriptedModel(["a park"]),
        config: testConfig(),
        signal: new AbortController().signal,
      },
      { platform: "instagram", tone: "casual", variants: 1, lang: "en" },
    );
    const styled = await post.run(
      {
        images: [await asModelImage(input)],
        text: "",
        model: scriptedModel(["a park"]),
        config: testConfig(),
        signal: new AbortController().signal,
      },
      { platform: "instagram", tone: "casual", variants: 1, lang: "en", look: "mono", watermark: "© me" },
    );
    const a = await sharp(plain.images?.[0]?.bytes).stats();
    const b = await sharp(styled.images?.[0]?.bytes).stats();
    const chroma = (s: typeof a) => Math.abs((s.channels[0]?.mean ?? 0) - (s.channels[2]?.mean ?? 0));
    expect(chroma(b)).toBeLessThan(chroma(a));
  });
});
