import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/errors.js";
import { BLUESKY_MAX_GRAPHEMES, recordKeyFor } from "../../../src/publish/bluesky.js";
import { idempotencyKey } from "../../../src/publish/mastodon.js";
import { publishOnce } from "../../../src/publish/once.js";
import { fakeBluesky, fakeMastodon } from "./fake-services.js";
import {
  ALT,
  APP_PASSWORD,
  approval,
  blueskyAt,
  childEnv,
  failure,
  HANDLE,
  IMAGE,
  mastodonAt,
  post,
  publishingRun,
  retryUntilClaimed,
  TOKEN,
} from "./publish-helpers.js";

const { store, cleanups, killWhen } = publishingRun("publish");

async function mastodon(options: { maxBytes?: number } = {}) {
  const m = await fakeMastodon({ token: TOKEN, ...options });
  cleanups.push(m.close);
  return m;
}

async function bluesky() {
  const b = await fakeBluesky({
    handle: HANDLE,
    password: APP_PASSWORD,
    handles: { "alice.bsky.social": "did:plc:alicealicealicealicealic" },
  });
  cleanups.push(b.close);
  return b;
}

describe("Mastodon through the masto client", () => {
  it("uploads the image with its alt text, then posts the status once with an Idempotency-Key", async () => {
    const m = await mastodon();
    const a = approval();
    const first = await publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: a });
    expect(m.media).toHaveLength(1);
    expect(m.media[0]?.description).toBe(ALT);
    expect(m.media[0]?.bytes.equals(IMAGE)).toBe(true);
    expect(m.statuses).toHaveLength(1);
    expect(m.statuses[0]).toMatchObject({
      text: post().text,
      mediaIds: [m.media[0]?.id],
      idempotencyKey: idempotencyKey(a.id),
      language: "en",
    });
    expect(first).toMatchObject({
      target: "mastodon",
      duplicate: false,
      url: `${m.url}/@team/${m.statuses[0]?.id}`,
    });

    const again = await publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: a });
    expect(again).toMatchObject({ url: first.url, duplicate: true });
    expect(m.statuses).toHaveLength(1);
    expect(m.media).toHaveLength(1);
  });

  it("kill -9 between the upload and the status: the retry posts exactly once", async () => {
    const m = await mastodon();
    const a = approval();
    // The instance has the image; the client has not heard back.
    await killWhen(m.hooks.hold("POST /api/v2/media", "after"), childEnv("mastodon", m.url, TOKEN, a));
    expect(m.media).toHaveLength(1);
    expect(m.statuses).toHaveLength(0);

    const done = await retryUntilClaimed(() =>
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: a }),
    );
    expect(m.statuses).toHaveLength(1);
    expect(done.url).toBe(`${m.url}/@team/${m.statuses[0]?.id}`);
    const attached = m.media.find((x) => x.id === m.statuses[0]?.mediaIds[0]);
    expect(attached?.description).toBe(ALT);
  });

  it("kill -9 after the status was made but before the client heard: the retry gets the same status", async () => {
    const m = await mastodon();
    const a = approval();
    await killWhen(m.hooks.hold("POST /api/v1/statuses", "after"), childEnv("mastodon", m.url, TOKEN, a));
    expect(m.statuses).toHaveLength(1);

    const done = await retryUntilClaimed(() =>
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: a }),
    );
    expect(m.statuses).toHaveLength(1);
    expect(m.media).toHaveLength(1); // the upload was checkpointed, not repeated
    expect(done).toMatchObject({ url: `${m.url}/@team/${m.statuses[0]?.id}`, duplicate: true });
  });

  it("401: says which credential to check, never shows it, and a Retry after fixing posts once", async () => {
    const m = await mastodon();
    const a = approval();
    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url, "wrong-token-xyz"), post: post(), approval: a }),
    );
    expect(err.code).toBe(ErrorCode.PublishAuth);
    expect(err.retryable).toBe(false);
    expect(err.userFacing).toBe(true);
    expect(err.message).toMatch(
      /^Mastodon refused our credentials \(HTTP 401\)\. Check MASTODON_ACCESS_TOKEN/,
    );
    expect(err.message).not.toContain("wrong-token-xyz");
    expect(m.statuses).toHaveLength(0);

    await publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: a });
    expect(m.statuses).toHaveLength(1);
  });

  it("413 on the upload: the image is too large, nothing posted", async () => {
    const m = await mastodon({ maxBytes: 10_000 });
    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishTooLarge);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /^Mastodon would not take the image: it is larger than the service allows \(HTTP 413\)/,
    );
    expect(m.statuses).toHaveLength(0);
  });

  it("429 on the status: retryable with the wait, and the retry reuses the uploaded image", async () => {
    const m = await mastodon();
    const a = approval();
    m.hooks.failNext("POST /api/v1/statuses", {
      status: 429,
      body: { error: "Too many requests" },
      headers: { "X-RateLimit-Reset": new Date(Date.now() + 120_000).toISOString() },
    });
    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: a }),
    );
    expect(err.code).toBe(ErrorCode.PublishRateLimited);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterS).toBeGreaterThan(100);
    expect(err.message).toMatch(
      /^Mastodon is rate-limiting this account \(HTTP 429\)\. The post is still pending; try again in about 2 minutes\.$/,
    );
    expect(m.statuses).toHaveLength(0);

    await publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: a });
    expect(m.statuses).toHaveLength(1);
    expect(m.media).toHaveLength(1);
  });

  it("an instance that is down: retryable, and says so", async () => {
    const m = await mastodon();
    await m.close();
    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishUnavailable);
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(
      `Mastodon at ${m.url} is not answering (connection refused). The post is still pending; try again later.`,
    );
  });

  it("a 502 HTML page from a proxy in front of the instance is an outage, not a crash", async () => {
    const m = await mastodon();
    m.hooks.failNext("POST /api/v2/media", { status: 502, body: "<html>Bad Gateway</html>" });
    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishUnavailable);
    expect(err.retryable).toBe(true);
  });

  it("a caption over 500 characters is refused before anything is uploaded", async () => {
    const m = await mastodon();
    const err = await failure(
      publishOnce({ store, publisher: mastodonAt(m.url), post: post("x".repeat(501)), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toMatch(/501 characters; Mastodon takes at most 500/);
    expect(m.media).toHaveLength(0);
  });
});

describe("Bluesky through @atproto/api", () => {
  it("createSession, uploadBlob, then a post record with the image, its alt text, and link and mention facets", async () => {
    const b = await bluesky();
    const a = approval();
    const text = "Frisbee Sunday with @alice.bsky.social 🥏 more at https://example.com/park\n\n#Frisbee";
    const done = await publishOnce({ store, publisher: blueskyAt(b.url), post: post(text), approval: a });
    expect(b.calls.slice(0, 2)).toEqual(["com.atproto.server.createSession", "com.atproto.repo.uploadBlob"]);
    expect(b.blobs).toHaveLength(1);
    expect(b.blobs[0]?.bytes.equals(IMAGE)).toBe(true);
    const [record] = b.records();
    expect(b.records()).toHaveLength(1);
    expect(record?.rkey).toBe(recordKeyFor(a));
    expect(record?.value.text).toBe(text);
    expect([...new Intl.Segmenter().segment(record?.value.text ?? "")].length).toBeLessThanOrEqual(300);
    expect(record?.value.embed?.$type).toBe("app.bsky.embed.images");
    expect(record?.value.embed?.images[0]?.alt).toBe(ALT);
    expect(record?.value.embed?.images[0]?.image.ref.$link).toBe(b.blobs[0]?.cid);
    expect(record?.value.createdAt).toBe(new Date(a.at).toISOString());
    const features = (record?.value.facets ?? []).flatMap((f) => f.features);
    expect(features).toContainEqual({
      $type: "app.bsky.richtext.facet#mention",
      did: "did:plc:alicealicealicealicealic",
    });
    expect(features).toContainEqual({
      $type: "app.bsky.richtext.facet#link",
      uri: "https://example.com/park",
    });
    const bytes = Buffer.from(text);
    const link = record?.value.facets?.find((f) =>
      f.features.some((x) => x.$type === "app.bsky.richtext.facet#link"),
    );
    expect(bytes.subarray(link?.index.byteStart, link?.index.byteEnd).toString()).toBe(
      "https://example.com/park",
    );
    expect(done).toMatchObject({
      target: "bluesky",
      id: record?.uri,
      url: `https://bsky.app/profile/${HANDLE}/post/${recordKeyFor(a)}`,
      duplicate: false,
    });

    const again = await publishOnce({ store, publisher: blueskyAt(b.url), post: post(text), approval: a });
    expect(again).toMatchObject({ id: done.id, duplicate: true });
    expect(b.records()).toHaveLength(1);
  });

  it("the record key is a valid TID and the same for the same approval", () => {
    const a = approval();
    expect(recordKeyFor(a)).toMatch(/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/);
    expect(recordKeyFor({ ...a })).toBe(recordKeyFor(a));
    expect(recordKeyFor({ ...a, id: `${a.id}x` })).not.toBe(recordKeyFor(a));
  });

  it("kill -9 between the upload and the post: the retry posts exactly once", async () => {
    const b = await bluesky();
    const a = approval();
    await killWhen(
      b.hooks.hold("com.atproto.repo.uploadBlob", "after"),
      childEnv("bluesky", b.url, APP_PASSWORD, a, { HANDLE }),
    );
    expect(b.records()).toHaveLength(0);

    const done = await retryUntilClaimed(() =>
      publishOnce({ store, publisher: blueskyAt(b.url), post: post(), approval: a }),
    );
    expect(b.records()).toHaveLength(1);
    expect(b.blobs).toHaveLength(1); // the same bytes, the same blob
    expect(done.duplicate).toBe(false);
  });

  it("kill -9 after the record was made but before the client heard: the retry finds it, no second post", async () => {
    const b = await bluesky();
    const a = approval();
    await killWhen(
      b.hooks.hold("com.atproto.repo.createRecord", "after"),
      childEnv("bluesky", b.url, APP_PASSWORD, a, { HANDLE }),
    );
    expect(b.records()).toHaveLength(1);

    const done = await retryUntilClaimed(() =>
      publishOnce({ store, publisher: blueskyAt(b.url), post: post(), approval: a }),
    );
    expect(b.records()).toHaveLength(1);
    expect(done).toMatchObject({ id: b.records()[0]?.uri, duplicate: true });
  });

  it("a retry that lost its checkpoint still cannot post twice: the record key is taken", async () => {
    const b = await bluesky();
    const a = approval();
    await blueskyAt(b.url).publish(post(), { approval: a, checkpoint: {}, save: async () => {} });
    const again = await blueskyAt(b.url).publish(post(), {
      approval: a,
      checkpoint: {},
      save: async () => {},
    });
    expect(again.duplicate).toBe(true);
    expect(b.records()).toHaveLength(1);
  });

  it("401 from createSession: names the handle and the app password, never the password itself", async () => {
    const b = await bluesky();
    const err = await failure(
      publishOnce({
        store,
        publisher: blueskyAt(b.url, "not-the-password"),
        post: post(),
        approval: approval(),
      }),
    );
    expect(err.code).toBe(ErrorCode.PublishAuth);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /^Bluesky refused our credentials \(HTTP 401\)\. Check the handle \(team\.bsky\.social\) and BLUESKY_APP_PASSWORD/,
    );
    expect(err.message).not.toContain("not-the-password");
    expect(b.records()).toHaveLength(0);
  });

  it("413 from uploadBlob: the image is too large", async () => {
    const b = await fakeBluesky({ handle: HANDLE, password: APP_PASSWORD, maxBlobBytes: 10_000 });
    cleanups.push(b.close);
    const err = await failure(
      publishOnce({ store, publisher: blueskyAt(b.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishTooLarge);
    expect(err.message).toMatch(/^Bluesky would not take the image/);
  });

  it("429 from createRecord: retryable with the reset time, then the retry posts once", async () => {
    const b = await bluesky();
    const a = approval();
    b.hooks.failNext("com.atproto.repo.createRecord", {
      status: 429,
      body: { error: "RateLimitExceeded", message: "Rate Limit Exceeded" },
      headers: { "ratelimit-reset": String(Math.floor(Date.now() / 1000) + 45) },
    });
    const err = await failure(publishOnce({ store, publisher: blueskyAt(b.url), post: post(), approval: a }));
    expect(err.code).toBe(ErrorCode.PublishRateLimited);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(
      /^Bluesky is rate-limiting this account \(HTTP 429\)\. The post is still pending; try again in \d+ seconds\.$/,
    );
    await publishOnce({ store, publisher: blueskyAt(b.url), post: post(), approval: a });
    expect(b.records()).toHaveLength(1);
  });

  it("more than 300 graphemes is refused before anything is sent", async () => {
    const b = await bluesky();
    const err = await failure(
      publishOnce({
        store,
        publisher: blueskyAt(b.url),
        post: post("🥏".repeat(BLUESKY_MAX_GRAPHEMES + 1)),
        approval: approval(),
      }),
    );
    expect(err.message).toMatch(/301 graphemes; Bluesky takes at most 300/);
    expect(b.calls).toHaveLength(0);
  });
});
