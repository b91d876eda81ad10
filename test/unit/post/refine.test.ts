import { describe, expect, it } from "vitest";
import type { PostBundle } from "../../../src/core/jobs.js";
import type { PostState } from "../../../src/core/post-state.js";
import { countFor } from "../../../src/skills/post/count.js";
import { PRESETS } from "../../../src/skills/post/presets.js";
import {
  bundleFrom,
  captionOf,
  nextSettings,
  postStateFrom,
  refinePost,
  textModel,
} from "../../../src/skills/post/refine.js";
import { scriptedModel } from "../../helpers/scripted-model.js";

const DESCRIPTION = "Two people play frisbee on a green lawn in a park, with bare trees behind them.";

function state(overrides: Partial<PostState> = {}): PostState {
  return {
    imageKey: "blob:web:req-1:0",
    platform: "instagram",
    tone: "playful",
    lang: "en",
    requested: 3,
    description: DESCRIPTION,
    altText: "Two people playing frisbee in a park.",
    captions: [
      "Frisbee Sunday, best Sunday 🥏",
      "Chasing the disc across the grass all afternoon long with friends",
      "Two friends, one frisbee, zero worries",
    ],
    hashtags: ["#Frisbee", "#Park", "#Lawn"],
    ...overrides,
  };
}

function run(turns: string[], s: PostState, action: Parameters<typeof refinePost>[1], maxExtraCalls = 3) {
  const model = scriptedModel(turns);
  const result = refinePost(s, action, { ask: textModel(model), maxExtraCalls, temperature: 0.8 });
  return { model, result };
}

describe("post state", () => {
  it("round-trips a delivered bundle: captions without their hashtag line, same variants back", () => {
    const bundle = bundleFrom(state());
    const again = postStateFrom(bundle, "blob:web:req-1:0");
    expect(again.captions).toEqual(state().captions);
    expect(bundleFrom(again).variants).toEqual(bundle.variants);
    expect(captionOf({ text: "Hi\n\n#A #B", hashtags: ["#A", "#B"] })).toBe("Hi");
  });

  it("older bundles without the new fields still make a state", () => {
    const old: PostBundle = {
      platform: "x",
      variants: [{ text: "Hello there", hashtags: [], chars: 11 }],
      altText: "A cat.",
      limit: 280,
    };
    const s = postStateFrom(old, "k");
    expect(s).toMatchObject({
      platform: "x",
      tone: "casual",
      lang: "en",
      requested: 1,
      description: "A cat.",
    });
  });

  it("settings change only as the action says", () => {
    expect(nextSettings(state(), { kind: "tone", tone: "professional" })).toEqual({
      platform: "instagram",
      tone: "professional",
      lang: "en",
    });
    expect(nextSettings(state(), { kind: "translate", lang: "de" }).lang).toBe("de");
    expect(nextSettings(state(), { kind: "platform", platform: "x" }).platform).toBe("x");
  });
});

describe("refinements never look at the image again", () => {
  it("regenerate: new captions only, the earlier ones avoided, sampled, text-only", async () => {
    const { model, result } = run(
      [
        "1. Disc in the air, joy on the ground\n2. Frisbee Sunday, best Sunday!\n3. Park life, frisbee style",
        "Green grass, flying disc, good friends",
      ],
      state(),
      { kind: "regenerate" },
    );
    const r = await result;
    expect(r.state.captions).toEqual([
      "Disc in the air, joy on the ground",
      "Park life, frisbee style",
      "Green grass, flying disc, good friends",
    ]);
    expect(r.state.shortfall).toBeUndefined();
    expect(r.reprepareImage).toBe(false);
    for (const req of model.requests) {
      expect(req.images).toEqual([]);
      expect(req.messages.every((m) => !m.imageCount)).toBe(true);
      expect(req.temperature).toBeGreaterThan(0);
      expect(req.messages[0]?.content).toContain(DESCRIPTION);
    }
    expect(model.requests[0]?.messages[0]?.content).toContain("Frisbee Sunday, best Sunday 🥏");
    expect(r.bundle.variants).toHaveLength(3);
  });

  it("shorter: each caption rewritten noticeably shorter; one not shorter gets a second try", async () => {
    const s = state();
    const { model, result } = run(
      [
        "Frisbee day 🥏",
        "Chasing the disc across the grass all afternoon long with friends!", // not shorter: tried again
        "Disc chasing with friends",
        "Friends and a frisbee",
      ],
      s,
      { kind: "shorter" },
    );
    const r = await result;
    expect(r.state.captions).toEqual([
      "Frisbee day 🥏",
      "Disc chasing with friends",
      "Friends and a frisbee",
    ]);
    expect(model.requests).toHaveLength(4);
    r.state.captions.forEach((c, i) => {
      expect(countFor("graphemes", c)).toBeLessThan(countFor("graphemes", s.captions[i] ?? ""));
    });
    expect(model.requests.every((q) => q.images.length === 0)).toBe(true);
  });

  it("tone: a new set in the new tone", async () => {
    const { model, result } = run(
      [
        "1. A well-played afternoon in the park.\n2. Teamwork, in the open air.\n3. Focus, timing, and a flying disc.",
      ],
      state(),
      { kind: "tone", tone: "professional" },
    );
    const r = await result;
    expect(r.state.tone).toBe("professional");
    expect(r.bundle.tone).toBe("professional");
    expect(r.state.captions).toHaveLength(3);
    expect(model.requests[0]?.messages[0]?.content).toMatch(/Tone: clear, confident and polished/);
  });

  it("platform: captions written for X within its weighted limit, hashtags cut, the image to prepare again", async () => {
    const long = "🥏".repeat(400);
    const { model, result } = run(
      [`1. ${long}\n2. Frisbee Sunday on X\n3. Park, disc, friends`],
      state({ hashtags: Array.from({ length: 12 }, (_, i) => `#Tag${i}`) }),
      { kind: "platform", platform: "x" },
    );
    const r = await result;
    expect(r.reprepareImage).toBe(true);
    expect(r.bundle.platform).toBe("x");
    expect(r.bundle.image).toBe("post-x.jpg");
    expect(r.bundle.limit).toBe(PRESETS.x.captionLimit);
    for (const v of r.bundle.variants) {
      expect(countFor("x-weighted", v.text)).toBeLessThanOrEqual(PRESETS.x.captionLimit);
      expect(v.hashtags.length).toBeLessThanOrEqual(PRESETS.x.maxHashtags);
    }
    expect(model.requests[0]?.messages[0]?.content).toMatch(/X captions/);
  });

  it("translate: captions and alt text in the new language; a garbled answer is tried once more", async () => {
    const { model, result } = run(
      [
        "Frisbee-Sonntag, bester Sonntag 🥏",
        "### ***",
        "Den ganzen Nachmittag mit Freunden der Scheibe nachjagen",
        "Zwei Freunde, ein Frisbee, null Sorgen",
        "Zwei Menschen spielen Frisbee in einem Park.",
      ],
      state(),
      { kind: "translate", lang: "de" },
    );
    const r = await result;
    expect(r.state.lang).toBe("de");
    expect(r.state.captions).toEqual([
      "Frisbee-Sonntag, bester Sonntag 🥏",
      "Den ganzen Nachmittag mit Freunden der Scheibe nachjagen",
      "Zwei Freunde, ein Frisbee, null Sorgen",
    ]);
    expect(r.state.altText).toBe("Zwei Menschen spielen Frisbee in einem Park.");
    expect(r.bundle.altText).toBe(r.state.altText);
    expect(model.requests[0]?.messages[0]?.content).toMatch(/into German/);
    expect(model.requests).toHaveLength(5);
  });

  it("a model that writes nothing usable: the earlier captions stay, and the post says why", async () => {
    const s = state();
    const { model, result } = run(["", "???", "!!!"], s, { kind: "regenerate" }, 2);
    const r = await result;
    expect(r.state.captions).toEqual(s.captions);
    expect(r.state.shortfall).toMatch(/no usable new caption; these are the earlier captions/);
    expect(r.bundle.shortfall).toBe(r.state.shortfall);
    expect(model.requests).toHaveLength(3); // the set and two extra asks, no more
  });

  it("a model that repeats the earlier captions gives no new ones", async () => {
    const s = state();
    const { result } = run(
      [s.captions.map((c, i) => `${i + 1}. ${c}`).join("\n")],
      s,
      { kind: "regenerate" },
      1,
    );
    const r = await result;
    expect(r.state.captions).toEqual(s.captions);
    expect(r.state.shortfall).toBeDefined();
  });
});
