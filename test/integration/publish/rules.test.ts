import { afterAll, describe, expect, it } from "vitest";
import { postBundleSchema } from "../../../src/core/jobs.js";
import { ErrorCode } from "../../../src/errors.js";
import { networkLimitsFor } from "../../../src/publish/index.js";
import { instanceLimits } from "../../../src/publish/instance.js";
import { publishOnce } from "../../../src/publish/once.js";
import { closeOcr } from "../../../src/skills/ocr/pool.js";
import { countFor } from "../../../src/skills/post/count.js";
import { preparePostImage } from "../../../src/skills/post/image.js";
import { post as postSkill } from "../../../src/skills/post/index.js";
import { presetFor } from "../../../src/skills/post/presets.js";
import { asModelImage, fixture } from "../../helpers/images.js";
import { testConfig } from "../../helpers/queue.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { type FakeInstance, fakeMastodon } from "./fake-services.js";
import {
  ALT,
  approval,
  failure,
  jpegPost,
  mastodonAt,
  PHOTO_3MB,
  post,
  publishingRun,
  TOKEN,
} from "./publish-helpers.js";

/**
 * Publishers check a post against the target's rules before anything is uploaded, and a Mastodon
 * target's rules are what its instance says in `GET /api/v2/instance`.
 */

const MIB = 1024 * 1024;
/** An instance that allows 1,000 characters and 2 MB images (Mastodon states bytes: 2 MiB). */
const ROOMY: FakeInstance = {
  v2: {
    statuses: { max_characters: 1000, max_media_attachments: 4, characters_reserved_per_url: 23 },
    media_attachments: { image_size_limit: 2 * MIB, description_limit: 1500, image_matrix_limit: 33_177_600 },
  },
};

const { store, cleanups } = publishingRun("rules");

async function mastodon(instance?: FakeInstance) {
  const m = await fakeMastodon({ token: TOKEN, ...(instance ? { instance } : {}) });
  cleanups.push(m.close);
  return m;
}

/** Exactly `n` characters of words, as a caption would be. */
function words(n: number): string {
  return `${"Frisbee in the park on a Sunday. ".repeat(Math.ceil(n / 33)).slice(0, n - 1)}.`;
}

describe("a Mastodon instance's own limits: 1,000 characters and 2 MB", () => {
  it("are read from GET /api/v2/instance once per process, however many posts", async () => {
    const m = await mastodon(ROOMY);
    const read = await instanceLimits(m.url);
    expect(read).toEqual({
      from: "instance",
      limits: { captionLimit: 1000, urlLength: 23, altLimit: 1500, maxBytes: 2 * MIB },
    });
    await publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: approval() });
    await publishOnce({
      store,
      publisher: mastodonAt(m.url),
      post: post("Another one"),
      approval: approval(),
    });
    expect(m.statuses).toHaveLength(2);
    expect(m.instanceReads).toEqual(["v2"]);
  });

  it("a 900-character caption is published; 1,001 is refused before anything is uploaded", async () => {
    const m = await mastodon(ROOMY);
    const long = words(900);
    expect([...long]).toHaveLength(900);
    expect([...words(1001)]).toHaveLength(1001);
    const done = await publishOnce({
      store,
      publisher: mastodonAt(m.url),
      post: post(long),
      approval: approval(),
    });
    expect(m.statuses.map((s) => s.text)).toEqual([long]);
    expect(done.url).toBe(`${m.url}/@team/${m.statuses[0]?.id}`);

    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(words(1001)), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toBe(
      "The caption is 1,001 characters; Mastodon takes at most 1,000. Nothing was posted; pick a shorter caption.",
    );
    expect(m.media).toHaveLength(1); // only the first post's
    expect(m.statuses).toHaveLength(1);
  });

  it("a 3 MB photo is refused before upload; prepared for this instance it is re-encoded under 2 MB and posted", async () => {
    const m = await mastodon(ROOMY);
    expect(PHOTO_3MB.length).toBeGreaterThan(3_000_000);
    const err = await failure(
      publishOnce({
        store,
        publisher: mastodonAt(m.url),
        post: await jpegPost(PHOTO_3MB),
        approval: approval(),
      }),
    );
    expect(err.code).toBe(ErrorCode.PublishTooLarge);
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      "The image is 3.4 MB; Mastodon takes at most 2 MiB. Nothing was posted; prepare the post for Mastodon again, which makes the image fit.",
    );
    expect(m.media).toHaveLength(0);
    expect(m.statuses).toHaveLength(0);

    const { limits } = await instanceLimits(m.url);
    const prepared = await preparePostImage(PHOTO_3MB, presetFor("mastodon", { limits }), {});
    expect(prepared.bytes.length).toBeLessThanOrEqual(2 * MIB);
    await publishOnce({
      store,
      publisher: mastodonAt(m.url),
      post: await jpegPost(prepared.bytes),
      approval: approval(),
    });
    expect(m.media).toHaveLength(1);
    expect(m.media[0]?.bytes.equals(prepared.bytes)).toBe(true);
  });

  it("a smaller instance's limits are what the image is re-encoded to", async () => {
    const m = await mastodon({ v2: { media_attachments: { image_size_limit: 80_000 } } });
    const { limits } = await instanceLimits(m.url);
    expect(limits).toEqual({ maxBytes: 80_000 });
    const prepared = await preparePostImage(PHOTO_3MB, presetFor("mastodon", { limits }), {});
    expect(prepared.bytes.length).toBeLessThanOrEqual(80_000);
  });

  it("alt text longer than the instance's description_limit is refused before upload, naming that rule", async () => {
    const m = await mastodon({ v2: { media_attachments: { description_limit: 40 } } });
    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toBe(
      `The alt text is ${[...ALT].length} characters; Mastodon takes at most 40 for an image description. Nothing was posted; shorten the alt text.`,
    );
    expect(m.media).toHaveLength(0);
  });

  it("links count as the instance's characters_reserved_per_url", async () => {
    const m = await mastodon({ v2: { statuses: { max_characters: 40, characters_reserved_per_url: 30 } } });
    const link = "https://example.com/a/path/long/enough/to/be/more/than/forty/characters";
    await publishOnce({
      store,
      publisher: mastodonAt(m.url),
      post: post(`See ${link}`),
      approval: approval(),
    });
    expect(m.statuses).toHaveLength(1); // 4 + 30 = 34, though the text itself is longer
    const err = await failure(
      publishOnce({
        store,
        publisher: mastodonAt(m.url),
        post: post(`Go and see ${link}`),
        approval: approval(),
      }),
    );
    expect(err.message).toMatch(/^The caption is 41 characters; Mastodon takes at most 40\./);
  });
});

describe("the post skill writes to the configured instance's limits", () => {
  afterAll(closeOcr);

  it("captions, alt text and the image within what the instance says", async () => {
    const m = await mastodon({
      v2: {
        statuses: { max_characters: 120, characters_reserved_per_url: 23 },
        media_attachments: { description_limit: 40, image_size_limit: 80_000 },
      },
    });
    const config = testConfig({ publish: { mastodon: { instanceUrl: m.url } } });
    const LONG_LINK = `https://example.com/cats/${"sofa/".repeat(25)}nap`;
    const rambling = "Two friends chase a frisbee across the park on a bright Sunday afternoon, laughing. ";
    const result = await postSkill.run(
      {
        images: [await asModelImage(fixture("frisbee.jpg"))],
        text: "",
        model: scriptedModel([
          "A grey cat curled up asleep on a soft sofa cushion in the afternoon light.",
          "A grey cat asleep on a sofa cushion, curled up tight, in warm afternoon light.",
          `1. ${rambling.repeat(4)}\n2. Sunday with the cat, more at ${LONG_LINK}`,
        ]),
        config,
        signal: new AbortController().signal,
        networkLimits: networkLimitsFor(config),
      },
      { platform: "mastodon", tone: "casual", variants: 2, lang: "en" },
    );
    const bundle = postBundleSchema.parse(result.data);
    expect(bundle.limit).toBe(120);
    expect(bundle.variants).toHaveLength(2);
    for (const v of bundle.variants) {
      expect(countFor("mastodon", v.text)).toBeLessThanOrEqual(120);
      expect(v.chars).toBe(countFor("mastodon", v.text));
    }
    // The link is longer than the limit on its own, but counts 23, so the caption fits whole.
    expect(LONG_LINK.length).toBeGreaterThan(120);
    expect(bundle.variants[1]?.text.startsWith(`Sunday with the cat, more at ${LONG_LINK}`)).toBe(true);
    expect([...bundle.altText].length).toBeLessThanOrEqual(40);
    expect(bundle.altText.length).toBeGreaterThan(10);
    expect(result.images?.[0]?.bytes.length).toBeLessThanOrEqual(80_000);
    expect(m.instanceReads).toEqual(["v2"]);
  });
});

describe("an instance that cannot be read: the documented defaults", () => {
  it("an older server without v2 is read from /api/v1/instance", async () => {
    const m = await mastodon({ v1: { statuses: { max_characters: 5000 } } });
    expect(await instanceLimits(m.url)).toEqual({ from: "instance", limits: { captionLimit: 5000 } });
    expect(m.instanceReads).toEqual(["v2", "v1"]);
  });

  it("a server that does not answer: defaults after the timeout, and 500 characters apply", async () => {
    const m = await mastodon({ hang: true });
    const read = await instanceLimits(m.url, { timeoutMs: 300 });
    expect(read).toEqual({ from: "defaults", limits: {}, reason: "timed out" });
    // The failed read is remembered for a while: the publisher does not wait on it again.
    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(words(501)), approval: approval() }),
    );
    expect(err.message).toMatch(/^The caption is 501 characters; Mastodon takes at most 500\./);
    expect(m.instanceReads).toEqual(["v2"]);
  });

  it("a server without either document: defaults, and a 16 MiB image limit", async () => {
    const m = await mastodon();
    expect(await instanceLimits(m.url)).toEqual({ from: "defaults", limits: {}, reason: "HTTP 404" });
    expect(presetFor("mastodon", { limits: {} }).maxBytes).toBe(16 * MIB);
    await publishOnce({
      store,
      publisher: mastodonAt(m.url),
      post: await jpegPost(PHOTO_3MB),
      approval: approval(),
    });
    expect(m.media[0]?.bytes.length).toBe(PHOTO_3MB.length);
  });
});
