import { describe, expect, it } from "vitest";
import {
  captionSimilarity,
  cleanCaption,
  collectCaptions,
  isNearDuplicate,
  usableCaption,
} from "../../../src/skills/post/captions.js";
import * as prompts from "../../../src/skills/post/prompts.js";
import { ALT_PROMPT } from "../../../src/skills/post/prompts.js";

/** Answers in order, then the last one again; records what was asked. */
function answers(list: string[]) {
  const asked: { kind: "set" | "one"; written: readonly string[] }[] = [];
  let i = 0;
  const next = () => list[Math.min(i++, list.length - 1)] ?? "";
  return {
    asked,
    askSet: async () => {
      asked.push({ kind: "set", written: [] });
      return next();
    },
    askOne: async (written: readonly string[]) => {
      asked.push({ kind: "one", written });
      return next();
    },
  };
}

describe("what counts as a caption", () => {
  it.each([
    ["", false],
    ["### *** ---", false],
    ["<unk><unk><unk>", false],
    ["1. Sunny lake day", true],
    ["1.", false],
    ["Here are three captions for you:", false],
    ["🥏🥏🥏", false],
    ["Green", true],
    ["Catch me if you can! 😄👍🏽", true],
    ["公園でフリスビー", true],
  ])("%j → %s", (text, ok) => {
    expect(usableCaption(cleanCaption(text))).toBe(ok);
  });

  it("cleaning drops leaked markup, hashtags and wrapping quotes", () => {
    expect(cleanCaption('"Sunny lake day" #Lake #Summer</s>')).toBe("Sunny lake day");
    expect(cleanCaption("1. Sunny lake day")).toBe("Sunny lake day");
    expect(cleanCaption("Caption 2: Sunny lake day")).toBe("Sunny lake day");
    expect(cleanCaption("2024 was a sunny year")).toBe("2024 was a sunny year");
  });
});

describe("near-duplicates", () => {
  it("the same words with other punctuation, case or emoji are one caption", () => {
    expect(captionSimilarity("Sunny day at the lake!", "sunny day at the lake 🌞")).toBe(1);
    expect(isNearDuplicate("Sunny days at the lake.", ["Sunny day at the lake!"])).toBe(true);
  });

  it("different captions about the same photo are kept", () => {
    expect(isNearDuplicate("Calm waters, clear mind.", ["Sunny day at the lake!"])).toBe(false);
    expect(isNearDuplicate("A lake day to remember", ["Sunny day at the lake!"])).toBe(false);
  });
});

describe("collecting captions", () => {
  it("asks once when the set is complete", async () => {
    const a = answers(["1. Alpha beta\n2. Gamma delta\n3. Epsilon zeta"]);
    const out = await collectCaptions({ wanted: 3, maxExtraCalls: 3, ...a });
    expect(out).toEqual({ captions: ["Alpha beta", "Gamma delta", "Epsilon zeta"], extraCalls: 0 });
    expect(a.asked).toHaveLength(1);
  });

  it("one caption, then garbage, then two more: re-asks, each told what is written", async () => {
    const a = answers([
      "Sunny lake day",
      "%%% ### ***",
      "Calm waters, clear mind",
      "Paddles up, worries down",
    ]);
    const out = await collectCaptions({ wanted: 3, maxExtraCalls: 3, ...a });
    expect(out.captions).toEqual(["Sunny lake day", "Calm waters, clear mind", "Paddles up, worries down"]);
    expect(out.shortfall).toBeUndefined();
    expect(a.asked.map((x) => x.written)).toEqual([
      [],
      ["Sunny lake day"],
      ["Sunny lake day"],
      ["Sunny lake day", "Calm waters, clear mind"],
    ]);
  });

  it("stops after the bounded number of extra asks and says why there are fewer", async () => {
    const a = answers(["Sunny lake day", "", "Sunny lake day!", "Calm waters, clear mind"]);
    const out = await collectCaptions({ wanted: 4, maxExtraCalls: 4, ...a });
    expect(out.captions).toEqual(["Sunny lake day", "Calm waters, clear mind"]);
    expect(out.extraCalls).toBe(4);
    expect(a.asked).toHaveLength(5);
    expect(out.shortfall).toMatch(/wrote 2 distinct captions of the 4 asked for/);
    expect(out.shortfall).toMatch(/asked 4 more times/);
    expect(out.shortfall).toMatch(/2 repeated an earlier caption/);
    expect(out.shortfall).toMatch(/1 answer was not a usable caption/);
  });

  it("zero extra asks allowed: what the set gave", async () => {
    const a = answers(["Only one"]);
    const out = await collectCaptions({ wanted: 2, maxExtraCalls: 0, ...a });
    expect(out.captions).toEqual(["Only one"]);
    expect(a.asked).toHaveLength(1);
    expect(out.shortfall).toBeDefined();
  });

  it("a list in answer to a single ask counts once", async () => {
    const a = answers(["Sunny lake day", "1. Calm waters\n2. Paddles up\n3. Blue hour"]);
    const out = await collectCaptions({ wanted: 3, maxExtraCalls: 1, ...a });
    expect(out.captions).toEqual(["Sunny lake day", "Calm waters"]);
  });

  it("captions to avoid are never returned", async () => {
    const a = answers(["1. Sunny lake day\n2. Calm waters", "Blue hour on the lake"]);
    const out = await collectCaptions({ wanted: 2, maxExtraCalls: 2, avoid: ["Sunny lake day"], ...a });
    expect(out.captions).toEqual(["Calm waters", "Blue hour on the lake"]);
  });

  it("the shortfall is one sentence, singular where one", async () => {
    const one = await collectCaptions({ wanted: 2, maxExtraCalls: 1, ...answers(["Only one", "###"]) });
    expect(one.shortfall).toBe(
      "The model wrote 1 distinct caption of the 2 asked for (asked 1 more time; 1 answer was not a usable caption).",
    );
    const none = await collectCaptions({ wanted: 2, maxExtraCalls: 0, ...answers(["Only one"]) });
    expect(none.shortfall).toBe(
      "The model wrote 1 distinct caption of the 2 asked for (asked 0 more times).",
    );
    const many = await collectCaptions({
      wanted: 3,
      maxExtraCalls: 2,
      ...answers(["1. ###\n2. ***", "---", "<unk>"]),
    });
    expect(many.shortfall).toBe(
      "The model wrote 0 distinct captions of the 3 asked for (asked 2 more times; 4 answers were not a usable caption).",
    );
  });

  it("a caption the extra check refuses counts as unusable", async () => {
    const a = answers(["1. A caption far too long for this\n2. Short one", "Tiny"]);
    const out = await collectCaptions({ wanted: 2, maxExtraCalls: 1, accept: (c) => c.length < 12, ...a });
    expect(out.captions).toEqual(["Short one", "Tiny"]);
    expect(out.shortfall).toBeUndefined();
  });

  it("an aborted job asks nothing more", async () => {
    const controller = new AbortController();
    const a = answers(["One caption here"]);
    const out = collectCaptions({
      wanted: 3,
      maxExtraCalls: 3,
      signal: controller.signal,
      askSet: async () => {
        controller.abort();
        return a.askSet();
      },
      askOne: a.askOne,
    });
    await expect(out).rejects.toMatchObject({ code: "aborted", message: "The request was cancelled." });
    expect(a.asked).toHaveLength(1);
  });

  it("there are no canned captions left to top up from", () => {
    expect(Object.keys(prompts)).not.toContain("TEMPLATES");
    expect(ALT_PROMPT).toBeTruthy();
  });
});
