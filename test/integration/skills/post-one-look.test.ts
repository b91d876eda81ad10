import { afterAll, describe, expect, it } from "vitest";
import { postBundleSchema } from "../../../src/core/jobs.js";
import { closeOcr } from "../../../src/skills/ocr/pool.js";
import { post } from "../../../src/skills/post/index.js";
import { asModelImage, fixture } from "../../helpers/images.js";
import { testConfig } from "../../helpers/queue.js";
import { scriptedModel } from "../../helpers/scripted-model.js";

afterAll(closeOcr);

const DESCRIPTION = "A brown dog races a red frisbee across a wet beach at low tide.";
const ALT = "A brown dog running on wet sand after a red frisbee.";
const SET = [
  "1. Low tide, high speed 🐕",
  "2. Nobody told him the frisbee was not a seagull",
  "3. Sand between the paws, salt in the air",
].join("\n");

async function runPost(turns: string[], platform = "mastodon") {
  const model = scriptedModel(turns);
  const result = await post.run(
    {
      images: [await asModelImage(fixture("frisbee.jpg"))],
      text: "",
      model,
      config: testConfig(),
      signal: new AbortController().signal,
    },
    { platform, tone: "playful", variants: 3, lang: "en" },
  );
  return { model, bundle: postBundleSchema.parse(result.data) };
}

describe("a post looks at the photo once", () => {
  it("one call sees the photo and writes description and alt text; the captions are written from that description", async () => {
    const { model, bundle } = await runPost([`${DESCRIPTION}\nAlt text: ${ALT}`, SET]);
    expect(model.requests).toHaveLength(2);
    const [look, captions] = model.requests;
    expect(look?.images).toHaveLength(1);
    expect(look?.messages[0]?.imageCount).toBe(1);
    expect(look?.messages[0]?.content).toMatch(/Alt text:/);
    expect(captions?.images).toHaveLength(0);
    expect(captions?.messages[0]?.imageCount ?? 0).toBe(0);
    expect(captions?.messages[0]?.content).toContain(`What the photo shows: ${DESCRIPTION}`);
    expect(bundle.description).toBe(DESCRIPTION);
    expect(bundle.altText).toBe(ALT);
    expect(bundle.variants.map((v) => v.text.split("\n\n#")[0])).toEqual([
      "Low tide, high speed 🐕",
      "Nobody told him the frisbee was not a seagull",
      "Sand between the paws, salt in the air",
    ]);
  });

  it("a model that writes no alt line is asked for the alt text from the description, without the photo", async () => {
    const { model, bundle } = await runPost([DESCRIPTION, ALT, SET]);
    expect(model.requests.map((r) => r.images.length)).toEqual([1, 0, 0]);
    expect(model.requests[1]?.messages[0]?.content).toContain(`What the photo shows: ${DESCRIPTION}`);
    expect(bundle.altText).toBe(ALT);
    expect(bundle.description).toBe(DESCRIPTION);
  });

  it("extra single-caption asks are text-only too", async () => {
    const { model, bundle } = await runPost([
      `${DESCRIPTION}\nAlt text: ${ALT}`,
      "1. Low tide, high speed 🐕",
      "Nobody told him the frisbee was not a seagull",
      "Sand between the paws, salt in the air",
    ]);
    expect(model.requests.map((r) => r.images.length)).toEqual([1, 0, 0, 0]);
    for (const r of model.requests.slice(1)) expect(r.messages[0]?.content).toContain(DESCRIPTION);
    expect(bundle.variants).toHaveLength(3);
  });
});
