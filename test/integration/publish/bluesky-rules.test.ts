import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/errors.js";
import { publishOnce } from "../../../src/publish/once.js";
import { fixture } from "../../helpers/images.js";
import { fakeBluesky } from "./fake-services.js";
import {
  APP_PASSWORD,
  approval,
  blueskyAt,
  failure,
  HANDLE,
  jpegPost,
  PHOTO_3MB,
  post,
  publishingRun,
} from "./publish-helpers.js";

/** Bluesky's lexicon and app limits, checked by the publisher before it sends anything at all. */
const { store, cleanups } = publishingRun("bluesky-rules");

describe("Bluesky's rules, before anything is sent", () => {
  async function bluesky() {
    const b = await fakeBluesky({ handle: HANDLE, password: APP_PASSWORD });
    cleanups.push(b.close);
    return b;
  }

  it("text within 300 graphemes but over 3,000 bytes", async () => {
    const b = await bluesky();
    const err = await failure(
      publishOnce({
        store,
        publisher: blueskyAt(b.url),
        post: post("👨‍👩‍👧‍👦".repeat(150)),
        approval: approval(),
      }),
    );
    expect(err.message).toMatch(/^The caption is 3,750 bytes \(UTF-8\); Bluesky takes at most 3,000\./);
    expect(b.calls).toEqual([]);
  });

  it("an image over the lexicon's 2,000,000 bytes", async () => {
    const b = await bluesky();
    const err = await failure(
      publishOnce({
        store,
        publisher: blueskyAt(b.url),
        post: await jpegPost(PHOTO_3MB),
        approval: approval(),
      }),
    );
    expect(err.code).toBe(ErrorCode.PublishTooLarge);
    expect(err.message).toMatch(/^The image is 3\.4 MB; Bluesky takes at most 2 MB\./);
    expect(b.calls).toEqual([]);
  });

  it("alt text over 2,000 graphemes", async () => {
    const b = await bluesky();
    const long = await jpegPost(fixture("frisbee.jpg"), "Frisbee", "A frisbee. ".repeat(200));
    const err = await failure(
      publishOnce({ store, publisher: blueskyAt(b.url), post: long, approval: approval() }),
    );
    expect(err.message).toMatch(
      /^The alt text is 2,200 characters; Bluesky takes at most 2,000 for an image description\./,
    );
    expect(b.calls).toEqual([]);
  });
});
