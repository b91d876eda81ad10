import { lexicons } from "@atproto/api";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { postSection } from "../../../src/config/sections/post.js";
import { isCodedError } from "../../../src/errors.js";
import { cleanCaption } from "../../../src/skills/post/captions.js";
import { composePost } from "../../../src/skills/post/compose.js";
import { splitTrailingHashtags, writtenHashtags } from "../../../src/skills/post/hashtags.js";
import { preparePostImage } from "../../../src/skills/post/image.js";
import { PRESETS, presetFor } from "../../../src/skills/post/presets.js";
import { captionPrompt } from "../../../src/skills/post/prompts.js";
import { bundleFrom, postStateFrom } from "../../../src/skills/post/state.js";
import { postText } from "../../../src/skills/post/summary.js";
import { fixture } from "../../helpers/images.js";

describe("hashtags in a sentence stay in the caption", () => {
  it.each([
    ["I love #Paris in spring", "I love #Paris in spring"],
    ["#Throwback to the best summer", "#Throwback to the best summer"],
    ["Sunny day at the lake! #Lake #Summer", "Sunny day at the lake!"],
    ["Golden hour\n#Sunset #Beach", "Golden hour"],
    ["I love #Paris", "I love #Paris"],
    ["I love #Paris #travel #spring", "I love #Paris"],
    ["Beach day 🌊 #sun #sea", "Beach day 🌊"],
    ['"Sunny lake day" #Lake #Summer</s>', "Sunny lake day"],
    ["Read more at https://example.com/#about today", "Read more at https://example.com/#about today"],
  ])("%j → %j", (raw, caption) => {
    expect(cleanCaption(raw)).toBe(caption);
  });

  it("only the trailing block moves to the hashtag list", () => {
    expect(splitTrailingHashtags("I love #Paris #travel #spring")).toEqual({
      text: "I love #Paris",
      tags: ["#travel", "#spring"],
    });
    expect(splitTrailingHashtags("No tags at all")).toEqual({ text: "No tags at all", tags: [] });
    const answer =
      "1. I love #Paris in spring\n2. Morning light on the Seine. #Seine #Morning\n3. Hashtags: #Paris";
    expect(writtenHashtags([answer])).toEqual(["#Seine", "#Morning", "#Paris"]);
  });

  it("a tag the caption already has is not added again, and counts towards the network's cap", () => {
    const tags = ["#Paris", "#Spring", "#Travel", "#Seine", "#Cafe", "#Europe"];
    const post = composePost("I love #Paris in spring", tags, PRESETS.mastodon);
    expect(post.text).toBe("I love #Paris in spring\n\n#Spring #Travel #Seine");
    const capped = composePost("#One #Two #Three #Four in one sentence", tags, PRESETS.instagram);
    expect(capped.hashtags).toEqual(["#Paris"]); // 4 in the sentence + 1 = Instagram's 5
  });
});

describe("Instagram: at most 5 hashtags, the cap in config", () => {
  it("the preset suggests at most 5, and config's cap is the default 5", () => {
    expect(postSection.parse({}).instagramHashtags).toBe(5);
    for (const p of ["instagram", "instagram-square"] as const) {
      expect(PRESETS[p].maxHashtags).toBe(5);
      expect(PRESETS[p].suggestedHashtags).toBeLessThanOrEqual(5);
      const many = Array.from({ length: 30 }, (_, i) => `#Tag${i}`);
      expect(composePost("A caption.", many, PRESETS[p]).hashtags.length).toBeLessThanOrEqual(5);
    }
  });

  it("a lower cap in config is the cap", () => {
    const preset = presetFor("instagram", { instagramHashtags: 2 });
    expect(preset).toMatchObject({ maxHashtags: 2, suggestedHashtags: 2 });
    expect(composePost("A caption.", ["#A1", "#B2", "#C3"], preset).hashtags).toEqual(["#A1", "#B2"]);
    expect(presetFor("x", { instagramHashtags: 1 }).maxHashtags).toBe(PRESETS.x.maxHashtags);
  });
});

describe("the Instagram story takes no caption and no alt text", () => {
  const story = PRESETS["instagram-story"];

  it("its preset makes the image and text to lay over it", () => {
    expect(story).toMatchObject({ text: "overlay", aspect: "9:16", altLimit: 0, maxHashtags: 0 });
    const prompt = captionPrompt({
      preset: story,
      tone: "casual",
      lang: "en",
      description: "a cat",
      variants: 3,
    });
    expect(prompt).toMatch(/^Write 3 different Instagram story short text overlays for this photo/);
    expect(prompt).not.toMatch(/caption/i);
  });

  it("its post has no alt text and no hashtags, and says what its texts are", () => {
    const state = postStateFrom(
      {
        platform: "instagram",
        variants: [{ text: "Cat nap o'clock\n\n#Cat #Nap", hashtags: ["#Cat", "#Nap"], chars: 25 }],
        altText: "A grey cat asleep on a sofa.",
        limit: 2200,
        description: "A grey cat asleep on a sofa.",
      },
      "blob-1",
    );
    const bundle = bundleFrom({ ...state, platform: "instagram-story" }, story);
    expect(bundle.altText).toBe("");
    expect(bundle.variants).toEqual([{ text: "Cat nap o'clock", hashtags: [], chars: 15 }]);
    expect(postText(bundle)).toBe("Instagram story post, 1 overlay text (limit 80):\n\n1. Cat nap o'clock");
    // Back to the feed: the description is the alt text again.
    const again = postStateFrom(bundle, "blob-1");
    expect(bundleFrom({ ...again, platform: "instagram" }).altText).toBe("A grey cat asleep on a sofa.");
  });
});

describe("Bluesky's preset is its lexicon", () => {
  it("300 graphemes and 3,000 bytes of text, images up to 2,000,000 bytes", () => {
    type Post = { record: { properties: { text: { maxLength: number; maxGraphemes: number } } } };
    type Image = { properties: { image: { maxSize: number } } };
    const { text } = (lexicons.getDefOrThrow("app.bsky.feed.post") as unknown as Post).record.properties;
    const { image } = (lexicons.getDefOrThrow("app.bsky.embed.images#image") as unknown as Image).properties;
    expect(PRESETS.bluesky).toMatchObject({
      counting: "bluesky",
      captionLimit: text.maxGraphemes,
      captionBytes: text.maxLength,
      maxBytes: image.maxSize,
    });
    expect(PRESETS.bluesky.maxBytes).toBe(2_000_000);
  });
});

describe("the prepared image keeps to the network's file limit", () => {
  const photo = fixture("cat_comp.jpeg"); // a real 3.4 MB photo

  it("is re-encoded until it fits a small limit an instance states", async () => {
    expect(photo.length).toBeGreaterThan(3_000_000);
    const preset = presetFor("mastodon", { limits: { maxBytes: 60_000 } });
    const out = await preparePostImage(photo, preset, {});
    expect(out.bytes.length).toBeLessThanOrEqual(60_000);
    expect((await sharp(out.bytes).metadata()).format).toBe("jpeg");
  });

  it("is refused with one sentence when even the smallest version is over it", async () => {
    const preset = presetFor("mastodon", { limits: { maxBytes: 2_000 } });
    const err = await preparePostImage(photo, preset, {}).catch((e: unknown) => e);
    expect(isCodedError(err) && err.userFacing).toBe(true);
    expect((err as Error).message).toMatch(
      /^The photo does not fit Mastodon's limit of 2 KB even at 320 px wide \(\d+ KB\); try a simpler photo\.$/,
    );
  });
});
