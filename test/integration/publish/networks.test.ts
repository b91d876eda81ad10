import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/errors.js";
import { littleText } from "../../../src/publish/linkedin.js";
import { publishOnce } from "../../../src/publish/once.js";
import { close, listen } from "./fake-http.js";
import { fakeLinkedIn, fakePixelfed, unescapeLittle } from "./fake-services.js";
import {
  ALT,
  approval,
  childEnv,
  failure,
  IMAGE,
  jpegPost,
  LINKEDIN_TOKEN,
  LINKEDIN_VERSION,
  linkedinAt,
  MEMBER,
  ORGANIZATION,
  PHOTO_3MB,
  PIXELFED_TOKEN,
  pixelfedAt,
  post,
  publishingRun,
  retryUntilClaimed,
} from "./publish-helpers.js";

/**
 * Pixelfed (the Mastodon API, as its Laravel controllers answer it) and LinkedIn (its versioned
 * REST API) against loopback stand-ins: what arrives, the errors the team is told, and one post
 * per approval when the publishing process is killed mid-way.
 */

const { store, cleanups, killWhen } = publishingRun("networks");

async function pixelfed(o: Omit<Parameters<typeof fakePixelfed>[0], "token"> = {}) {
  const p = await fakePixelfed({ token: PIXELFED_TOKEN, ...o });
  cleanups.push(p.close);
  return p;
}

async function linkedin(o: Partial<Parameters<typeof fakeLinkedIn>[0]> = {}) {
  const l = await fakeLinkedIn({
    token: LINKEDIN_TOKEN,
    authors: [MEMBER, ORGANIZATION],
    version: LINKEDIN_VERSION,
    ...o,
  });
  cleanups.push(l.close);
  return l;
}

/** A server that only counts what reaches it: where a foreign upload URL points. */
async function elsewhere() {
  const seen: { method: string; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", authorization: req.headers.authorization });
    res.writeHead(201).end();
  });
  const url = await listen(server);
  cleanups.push(() => close(server));
  return { url, seen };
}

describe("Pixelfed through the masto client", () => {
  it("uploads the photo with its alt text, then posts the status with it, once", async () => {
    const p = await pixelfed();
    const a = approval();
    const done = await publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: a });
    expect(p.media).toHaveLength(1);
    expect(p.media[0]?.description).toBe(ALT);
    expect(p.media[0]?.bytes.equals(IMAGE)).toBe(true);
    expect(p.statuses).toHaveLength(1);
    expect(p.statuses[0]).toMatchObject({
      text: post().text,
      mediaIds: [p.media[0]?.id],
      visibility: "public",
    });
    expect(done).toMatchObject({
      target: "pixelfed",
      id: p.statuses[0]?.id,
      url: `${p.url}/p/team/${p.statuses[0]?.id}`,
      duplicate: false,
    });

    const again = await publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: a });
    expect(again).toMatchObject({ url: done.url, duplicate: true });
    expect(p.statuses).toHaveLength(1);
    expect(p.media).toHaveLength(1);
  });

  it("counts as Pixelfed does (code points, links in full): 500 fit, 501 are refused before any upload", async () => {
    const p = await pixelfed();
    // 👍🏽 is one grapheme but two code points: Laravel's max:500 sees 500 here.
    const fits = "👍🏽".repeat(250);
    await publishOnce({ store, publisher: pixelfedAt(p.url), post: post(fits), approval: approval() });
    expect(p.statuses.map((s) => s.text)).toEqual([fits]);

    const err = await failure(
      publishOnce({ store, publisher: pixelfedAt(p.url), post: post(`${fits}!`), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toMatch(/^The caption is 501 characters; Pixelfed takes at most 500\./);
    expect(p.media).toHaveLength(1);
    expect(p.statuses).toHaveLength(1);
  });

  it("follows the instance's stated caption limit", async () => {
    const p = await pixelfed({ maxCaption: 2000 });
    const long = "A long walk in the park. ".repeat(40).trim(); // 999 characters
    await publishOnce({ store, publisher: pixelfedAt(p.url), post: post(long), approval: approval() });
    expect(p.statuses[0]?.text).toBe(long);
  });

  it("a post without a photo is refused in one sentence, and nothing is sent", async () => {
    const p = await pixelfed();
    const err = await failure(
      publishOnce({
        store,
        publisher: pixelfedAt(p.url),
        post: { text: "Words only" },
        approval: approval(),
      }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toBe("Pixelfed posts photos: this post has no image to publish. Nothing was posted.");
    expect(p.media).toHaveLength(0);
  });

  it("kill -9 between the upload and the status: the retry posts exactly once, with the alt text", async () => {
    const p = await pixelfed();
    const a = approval();
    await killWhen(
      p.hooks.hold("POST /api/v2/media", "after"),
      childEnv("pixelfed", p.url, PIXELFED_TOKEN, a),
    );
    expect(p.statuses).toHaveLength(0);

    const done = await retryUntilClaimed(() =>
      publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: a }),
    );
    expect(p.statuses).toHaveLength(1);
    expect(done).toMatchObject({ url: `${p.url}/p/team/${p.statuses[0]?.id}`, duplicate: false });
    const attached = p.media.find((m) => m.id === p.statuses[0]?.mediaIds[0]);
    expect(attached?.description).toBe(ALT);
  });

  it("kill -9 after the status was made but before the client heard: the retry finds it, no second post", async () => {
    const p = await pixelfed();
    const a = approval();
    await killWhen(
      p.hooks.hold("POST /api/v1/statuses", "after"),
      childEnv("pixelfed", p.url, PIXELFED_TOKEN, a),
    );
    expect(p.statuses).toHaveLength(1);

    const done = await retryUntilClaimed(() =>
      publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: a }),
    );
    expect(p.statuses).toHaveLength(1);
    expect(p.media).toHaveLength(1); // the upload was checkpointed, not repeated
    expect(done).toMatchObject({ id: p.statuses[0]?.id, duplicate: true });
  });

  it("a repeated Idempotency-Key (400 on Pixelfed) with the status made: found, not posted again", async () => {
    const p = await pixelfed();
    const a = approval();
    const saved: Record<string, string> = {};
    const step = {
      approval: a,
      checkpoint: saved,
      save: async (u: Record<string, string>) => void Object.assign(saved, u),
    };
    await pixelfedAt(p.url).publish(post(), step);
    // The checkpoint is lost after the status but the upload is remembered: the key is spent.
    delete saved.statusAt;
    const again = await pixelfedAt(p.url).publish(post(), { ...step, checkpoint: { ...saved } });
    expect(again).toMatchObject({ id: p.statuses[0]?.id, duplicate: true });
    expect(p.statuses).toHaveLength(1);
  });

  it("401: names PIXELFED_ACCESS_TOKEN, never the token, and a Retry after fixing posts once", async () => {
    const p = await pixelfed();
    const a = approval();
    const err = await failure(
      publishOnce({ store, publisher: pixelfedAt(p.url, "wrong-pixelfed-token"), post: post(), approval: a }),
    );
    expect(err.code).toBe(ErrorCode.PublishAuth);
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      "Pixelfed refused our credentials (HTTP 401). Check PIXELFED_ACCESS_TOKEN (with the read and write scopes), then try again. Nothing was posted.",
    );
    expect(err.message).not.toContain("wrong-pixelfed-token");
    await publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: a });
    expect(p.statuses).toHaveLength(1);
  });

  it("413 from the web server in front: the image is too large, nothing posted", async () => {
    const p = await pixelfed({ maxBodyBytes: 10_000 });
    const err = await failure(
      publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishTooLarge);
    expect(err.message).toMatch(
      /^Pixelfed would not take the image: it is larger than the service allows \(HTTP 413\)/,
    );
    expect(p.statuses).toHaveLength(0);
  });

  it("an image over the instance's stated photo size is refused before it is sent", async () => {
    const p = await pixelfed({ maxPhotoKb: 2000 });
    const err = await failure(
      publishOnce({
        store,
        publisher: pixelfedAt(p.url),
        post: await jpegPost(PHOTO_3MB),
        approval: approval(),
      }),
    );
    expect(err.code).toBe(ErrorCode.PublishTooLarge);
    expect(err.message).toMatch(/^The image is 3\.\d MB; Pixelfed takes at most 2 MB\./);
    expect(p.media).toHaveLength(0);
  });

  it("422 from Laravel's validation: rejected, with Pixelfed's own words", async () => {
    const p = await pixelfed();
    p.hooks.failNext("POST /api/v1/statuses", {
      status: 422,
      body: {
        message: "The selected media ids is invalid.",
        errors: { media_ids: ["The selected media ids is invalid."] },
      },
    });
    const err = await failure(
      publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      "Pixelfed rejected the post (HTTP 422): The selected media ids is invalid. Nothing was posted.",
    );
  });

  it("429 with Retry-After on the status: retryable with the wait, and the retry reuses the upload", async () => {
    const p = await pixelfed();
    const a = approval();
    p.hooks.failNext("POST /api/v1/statuses", {
      status: 429,
      body: { message: "Too Many Attempts." },
      headers: { "Retry-After": "42", "X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "0" },
    });
    const err = await failure(
      publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: a }),
    );
    expect(err.code).toBe(ErrorCode.PublishRateLimited);
    expect(err.retryAfterS).toBe(42);
    expect(err.message).toBe(
      "Pixelfed is rate-limiting this account (HTTP 429). The post is still pending; try again in 42 seconds.",
    );
    await publishOnce({ store, publisher: pixelfedAt(p.url), post: post(), approval: a });
    expect(p.statuses).toHaveLength(1);
    expect(p.media).toHaveLength(1);
  });
});

describe("LinkedIn through its REST API", () => {
  it("initializeUpload, the bytes to the upload URL, then the post with the image and its alt text", async () => {
    const l = await linkedin();
    const a = approval();
    const done = await publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: a });
    expect(l.images).toHaveLength(1);
    expect(l.images[0]?.owner).toBe(MEMBER);
    expect(l.images[0]?.bytes?.equals(IMAGE)).toBe(true);
    expect(l.posts).toHaveLength(1);
    const [made] = l.posts;
    expect(made).toMatchObject({
      author: MEMBER,
      text: post().text,
      media: { id: l.images[0]?.urn, altText: ALT },
      headers: { version: LINKEDIN_VERSION, protocol: "2.0.0" },
    });
    expect(done).toEqual({
      target: "linkedin",
      id: made?.urn,
      url: `https://www.linkedin.com/feed/update/${made?.urn}/`,
      publishedAt: expect.any(Number),
      duplicate: false,
    });

    const again = await publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: a });
    expect(again).toMatchObject({ id: done.id, duplicate: true });
    expect(l.posts).toHaveLength(1);
  });

  it("posts for an organization page as well as a member", async () => {
    const l = await linkedin();
    await publishOnce({
      store,
      publisher: linkedinAt(l.url, { author: ORGANIZATION }),
      post: post(),
      approval: approval(),
    });
    expect(l.images[0]?.owner).toBe(ORGANIZATION);
    expect(l.posts[0]?.author).toBe(ORGANIZATION);
  });

  it("the caption arrives as written: markup escaped, hashtags kept, no @mention made", async () => {
    const l = await linkedin();
    const text = "Team day (finally!) with @alice_b: 5 * 3 > 2 ~ [fun] {yes}\n\n#Frisbee #Park_Life";
    await publishOnce({ store, publisher: linkedinAt(l.url), post: post(text), approval: approval() });
    const [made] = l.posts;
    expect(made?.text).toBe(text);
    expect(made?.commentary).toContain("\\@alice\\_b");
    expect(made?.commentary).toContain("\\(finally!\\)");
    expect(made?.commentary).toMatch(/\n\n#Frisbee #Park/);
    expect(unescapeLittle(littleText("a \\ b"))).toBe("a \\ b");
  });

  it("3,000 characters fit; 3,001 are refused before anything is uploaded", async () => {
    const l = await linkedin();
    const fits = "Park day. ".repeat(300);
    await publishOnce({ store, publisher: linkedinAt(l.url), post: post(fits), approval: approval() });
    expect(l.posts.map((p) => p.text)).toEqual([fits]);

    const err = await failure(
      publishOnce({ store, publisher: linkedinAt(l.url), post: post(`${fits}!`), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toMatch(/^The caption is 3,001 characters; LinkedIn takes at most 3,000\./);
    expect(l.images).toHaveLength(1);
  });

  it("a text-only post goes out without an upload", async () => {
    const l = await linkedin();
    await publishOnce({
      store,
      publisher: linkedinAt(l.url),
      post: { text: "Words only" },
      approval: approval(),
    });
    expect(l.images).toHaveLength(0);
    expect(l.posts[0]).toMatchObject({ text: "Words only" });
    expect(l.posts[0]?.media).toBeUndefined();
  });

  it("an upload URL outside publish.linkedin.uploadOrigins gets nothing, not even the token", async () => {
    const other = await elsewhere();
    const l = await linkedin({ uploadBase: other.url });
    const err = await failure(
      publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toBe(
      `LinkedIn gave an upload address at ${new URL(other.url).host}, which is not in publish.linkedin.uploadOrigins; the image was not sent there. Nothing was posted.`,
    );
    expect(other.seen).toEqual([]);
    expect(l.posts).toHaveLength(0);
  });

  it("kill -9 between the upload and the post: the retry posts exactly once, with the alt text", async () => {
    const l = await linkedin();
    const a = approval();
    await killWhen(
      l.hooks.hold("PUT /dms-uploads/:id", "after"),
      childEnv("linkedin", l.url, LINKEDIN_TOKEN, a, { AUTHOR: MEMBER, LINKEDIN_VERSION }),
    );
    expect(l.posts).toHaveLength(0);

    const done = await retryUntilClaimed(() =>
      publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: a }),
    );
    expect(l.posts).toHaveLength(1);
    expect(l.posts[0]?.media?.altText).toBe(ALT);
    const image = l.images.find((i) => i.urn === l.posts[0]?.media?.id);
    expect(image?.bytes?.equals(IMAGE)).toBe(true);
    expect(done).toMatchObject({ id: l.posts[0]?.urn, duplicate: false });
  });

  it("kill -9 after the post was made but before the client heard: the retry finds it, no second post", async () => {
    const l = await linkedin();
    const a = approval();
    await killWhen(
      l.hooks.hold("POST /rest/posts", "after"),
      childEnv("linkedin", l.url, LINKEDIN_TOKEN, a, { AUTHOR: MEMBER, LINKEDIN_VERSION }),
    );
    expect(l.posts).toHaveLength(1);

    const done = await retryUntilClaimed(() =>
      publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: a }),
    );
    expect(l.posts).toHaveLength(1);
    expect(l.images).toHaveLength(1); // the upload was checkpointed, not repeated
    expect(done).toMatchObject({ id: l.posts[0]?.urn, duplicate: true });
  });

  it("after such a crash, a token that cannot list posts: says so and does not post a second time", async () => {
    const l = await linkedin({ cannotRead: true });
    const a = approval();
    await killWhen(
      l.hooks.hold("POST /rest/posts", "after"),
      childEnv("linkedin", l.url, LINKEDIN_TOKEN, a, { AUTHOR: MEMBER, LINKEDIN_VERSION }),
    );
    const err = await failure(
      retryUntilClaimed(() =>
        publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: a }),
      ),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toMatch(/^LinkedIn may already show this post/);
    expect(l.posts).toHaveLength(1);
  });

  it("401 INVALID_ACCESS_TOKEN: names LINKEDIN_ACCESS_TOKEN, never the token; a Retry after fixing posts once", async () => {
    const l = await linkedin();
    const a = approval();
    const err = await failure(
      publishOnce({
        store,
        publisher: linkedinAt(l.url, { token: "AQVwrong-token" }),
        post: post(),
        approval: a,
      }),
    );
    expect(err.code).toBe(ErrorCode.PublishAuth);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /^LinkedIn refused our credentials \(HTTP 401\)\. Check LINKEDIN_ACCESS_TOKEN/,
    );
    expect(err.message).not.toContain("AQVwrong-token");
    await publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: a });
    expect(l.posts).toHaveLength(1);
  });

  it("413 from the upload URL: the image is too large, nothing posted", async () => {
    const l = await linkedin({ maxImageBytes: 10_000 });
    const err = await failure(
      publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishTooLarge);
    expect(err.message).toMatch(
      /^LinkedIn would not take the image: it is larger than the service allows \(HTTP 413\)/,
    );
    expect(l.posts).toHaveLength(0);
  });

  it("422 on the post: rejected with LinkedIn's message; an author the token may not post as is refused too", async () => {
    const l = await linkedin();
    l.hooks.failNext("POST /rest/posts", {
      status: 422,
      body: {
        status: 422,
        code: "UNPROCESSABLE_ENTITY",
        message: "/commentary :: contains a disallowed character",
      },
    });
    const err = await failure(
      publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toBe(
      "LinkedIn rejected the post (HTTP 422): /commentary :: contains a disallowed character. Nothing was posted.",
    );

    const stranger = await failure(
      publishOnce({
        store,
        publisher: linkedinAt(l.url, { author: "urn:li:organization:999" }),
        post: post(),
        approval: approval(),
      }),
    );
    expect(stranger.code).toBe(ErrorCode.PublishAuth);
    expect(l.posts).toHaveLength(0);
  });

  it("429 with Retry-After: retryable with the wait, and the retry reuses the uploaded image", async () => {
    const l = await linkedin();
    const a = approval();
    l.hooks.failNext("POST /rest/posts", {
      status: 429,
      body: {
        status: 429,
        message: "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
      },
      headers: { "Retry-After": "120" },
    });
    const err = await failure(
      publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: a }),
    );
    expect(err.code).toBe(ErrorCode.PublishRateLimited);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterS).toBe(120);
    expect(err.message).toBe(
      "LinkedIn is rate-limiting this account (HTTP 429). The post is still pending; try again in about 2 minutes.",
    );
    await publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: a });
    expect(l.posts).toHaveLength(1);
    expect(l.images).toHaveLength(1);
  });

  it("a retired LinkedIn-Version (426): says which setting to change", async () => {
    const l = await linkedin();
    const err = await failure(
      publishOnce({
        store,
        publisher: linkedinAt(l.url, { version: "202301" }),
        post: post(),
        approval: approval(),
      }),
    );
    expect(err.code).toBe(ErrorCode.PublishRejected);
    expect(err.message).toBe(
      "LinkedIn rejected the post (HTTP 426): Requested version 202301 is not active (publish.linkedin.version is 202301). Nothing was posted.",
    );
  });

  it("an API that is down: retryable, and says so", async () => {
    const l = await linkedin();
    await l.close();
    const err = await failure(
      publishOnce({ store, publisher: linkedinAt(l.url), post: post(), approval: approval() }),
    );
    expect(err.code).toBe(ErrorCode.PublishUnavailable);
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(
      `LinkedIn at ${l.url} is not answering (connection refused). The post is still pending; try again later.`,
    );
  });
});
