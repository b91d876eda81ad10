import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/errors.js";
import { PublishError } from "../../../src/publish/errors.js";
import { publishOnce } from "../../../src/publish/once.js";
import type { Publisher, PublishPost } from "../../../src/publish/port.js";
import { approvalKey, type PublishStore, redisPublishStore } from "../../../src/publish/store.js";
import { dropPrefix, newRedis, uniquePrefix } from "../../helpers/redis.js";

/**
 * publishOnce on the real Redis store, around a publisher that counts what it was asked to do:
 * the store's claim, renewal and result are what keep an approval to one post, whatever runs twice.
 */
const redis = newRedis();
const prefix = uniquePrefix("once");
let store: PublishStore;

beforeAll(() => {
  store = redisPublishStore(redis, prefix, 3600);
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

const post: PublishPost = { text: "A red door on a blue wall #doors" };
let approvals = 0;
const approval = () => ({ id: `req-${++approvals}:approve:0`, at: Date.now() });

/** A Mastodon publisher that posts after `ms`, recording each post and the signal it was given. */
function countingPublisher(ms = 0, duplicate?: boolean) {
  const calls: { signal: AbortSignal | undefined }[] = [];
  const publisher: Publisher = {
    target: "mastodon",
    async publish(_post, step) {
      calls.push({ signal: step.signal });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        step.signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(new Error("aborted by the caller"));
        });
      });
      return {
        target: "mastodon",
        id: `status-${calls.length}`,
        url: `https://social.example/@team/${calls.length}`,
        ...(duplicate === undefined ? {} : { duplicate }),
      };
    },
  };
  return { publisher, calls };
}

describe("publishOnce on Redis", () => {
  it("publishes once and says it was not a duplicate; the same approval again returns that post without publishing", async () => {
    const { publisher, calls } = countingPublisher();
    const a = approval();
    const first = await publishOnce({ store, publisher, post, approval: a });
    expect(first).toMatchObject({ id: "status-1", duplicate: false });
    const again = await publishOnce({ store, publisher, post, approval: a });
    expect(again).toMatchObject({ id: "status-1", url: first.url, duplicate: true });
    expect(calls).toHaveLength(1);
  });

  it("an approval already published is returned as it is, even while another attempt holds the claim", async () => {
    const { publisher, calls } = countingPublisher();
    const a = approval();
    const first = await publishOnce({ store, publisher, post, approval: a });
    expect(await store.claim(approvalKey("mastodon", a.id), "a late retry", 60_000)).toBe(true);
    expect(await publishOnce({ store, publisher, post, approval: a })).toMatchObject({
      id: first.id,
      duplicate: true,
    });
    expect(calls).toHaveLength(1);
  });

  it("while another attempt holds the claim, refuses as retryable after the lease, and publishes nothing", async () => {
    const { publisher, calls } = countingPublisher();
    const a = approval();
    expect(await store.claim(approvalKey("mastodon", a.id), "elsewhere", 60_000)).toBe(true);
    const err = await publishOnce({ store, publisher, post, approval: a, leaseMs: 7_500 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PublishError);
    expect(err).toMatchObject({ code: ErrorCode.PublishUnavailable, retryable: true, retryAfterS: 8 });
    expect((err as Error).message).toMatch(
      /being published to Mastodon right now; it will not be posted twice/,
    );
    expect(calls).toHaveLength(0);
  });

  it("a publish that outlasts its lease keeps the claim by renewing it: a second attempt meanwhile is refused", async () => {
    const { publisher, calls } = countingPublisher(4_000);
    const a = approval();
    const first = publishOnce({ store, publisher, post, approval: a, leaseMs: 300 });
    // Well past the 300 ms lease: only renewal (every 100 ms) still holds it.
    await new Promise((r) => setTimeout(r, 700));
    const second = await publishOnce({ store, publisher, post, approval: a, leaseMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(second).toMatchObject({ code: ErrorCode.PublishUnavailable });
    expect(await first).toMatchObject({ duplicate: false });
    expect(calls).toHaveLength(1);
  });

  it("a post that finished between the first look and the claim is returned, not published again", async () => {
    const { publisher, calls } = countingPublisher();
    const a = approval();
    const key = approvalKey("mastodon", a.id);
    let reads = 0;
    // The other attempt saves its result just after this one's first read.
    const racing: PublishStore = {
      ...store,
      async read(k) {
        const record = await store.read(k);
        if (++reads === 1)
          await store.saveResult(key, {
            target: "mastodon",
            id: "status-elsewhere",
            url: "https://social.example/@team/elsewhere",
            publishedAt: Date.now(),
          });
        return record;
      },
    };
    const out = await publishOnce({ store: racing, publisher, post, approval: a });
    expect(out).toMatchObject({ id: "status-elsewhere", duplicate: true });
    expect(calls).toHaveLength(0);
  });

  it("passes the caller's signal on, and a cancelled publish says so in one sentence and frees the claim", async () => {
    const { publisher, calls } = countingPublisher(5_000);
    const a = approval();
    const controller = new AbortController();
    const running = publishOnce({ store, publisher, post, approval: a, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    expect(calls[0]?.signal).toBe(controller.signal);
    controller.abort();
    const err = await running.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.Aborted, message: "The request was cancelled." });
    expect((err as Error).cause).toMatchObject({ message: "aborted by the caller" });
    // The claim went with it: the next attempt publishes.
    const retry = countingPublisher();
    expect(await publishOnce({ store, publisher: retry.publisher, post, approval: a })).toMatchObject({
      duplicate: false,
    });
  });

  it("a publisher that found its own earlier post says duplicate; one that says nothing is not a duplicate", async () => {
    const found = countingPublisher(0, true);
    expect(
      await publishOnce({ store, publisher: found.publisher, post, approval: approval() }),
    ).toMatchObject({
      duplicate: true,
    });
    const plain = countingPublisher();
    expect(
      await publishOnce({ store, publisher: plain.publisher, post, approval: approval() }),
    ).toMatchObject({
      duplicate: false,
    });
  });
});
