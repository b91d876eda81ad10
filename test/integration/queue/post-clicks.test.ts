import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ClickOutcome,
  createPostClicks,
  type PostClick,
  parsePostComponentId,
  postComponentId,
} from "../../../src/bots/post-clicks.js";
import type { RequestJob } from "../../../src/core/jobs.js";
import { bullConnection } from "../../../src/queue/connection.js";
import { bullQueueName, jobIdFor } from "../../../src/queue/names.js";
import { createPostStore, POST_EXPIRED, type PostRecord } from "../../../src/queue/posts.js";
import { createProducer } from "../../../src/queue/producer.js";
import { testConfig } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";

/**
 * Post clicks below the adapters, on real Redis and a real producer: who may approve or retry,
 * which caption an Approve freezes, which menu values are taken, and exactly what job each
 * accepted click puts on the requests queue. The e2e tests drive the same code through Discord
 * and Slack; these name each rule on its own.
 */
const prefix = uniquePrefix("post-clicks");
const redis = newRedis();
const config = testConfig({ redis: { prefix }, limits: { perUserInFlight: 100, perScopeRate: 1000 } });
const producer = createProducer({ redisUrl: redisUrl(), prefix, config });
const queue = new Queue(bullQueueName("requests"), {
  connection: bullConnection(redisUrl(), "queue"),
  prefix,
});
const store = createPostStore(redis, prefix);
// No publishing account is configured: Approve publishes nothing, so the asker or an approver may.
const approvers = {
  configured: true,
  who: "a member with the role @social team",
  setting: "discord.approverRoles",
};
const clicks = createPostClicks({ platform: "discord", producer, config, redis, approvers });

const alice = { id: "U-alice", name: "alice" };
const bob = { id: "U-bob", name: "bob" };
const carol = { id: "U-carol" }; // an approver with no display name
let n = 0;

/** A saved post by alice with two captions; returns its id. */
async function savedPost(): Promise<string> {
  const postId = `discord:post-${++n}`;
  const record: PostRecord = {
    postId,
    platform: "discord",
    requester: alice,
    scope: { id: "guild-1", channelId: "chan-1" },
    state: {
      imageKey: `missing-${n}`,
      platform: "instagram",
      tone: "casual",
      lang: "en",
      requested: 2,
      description: "a frisbee",
      altText: "a frisbee",
      captions: ["first caption", "second caption"],
      hashtags: [],
    },
    bundle: {
      platform: "instagram",
      variants: [
        { text: "first caption", hashtags: [], chars: 13 },
        { text: "second caption", hashtags: [], chars: 14 },
      ],
      altText: "a frisbee",
      limit: 2200,
    },
    version: 3,
  };
  await store.save(record, { channel: "chan-1", message: "m-1" });
  return postId;
}

function click(postId: string, action: string, o: Partial<PostClick> = {}): Promise<ClickOutcome> {
  return clicks.click({ postId, action, clickId: `c${++n}`, user: alice, approver: false, ...o });
}

/** The job an accepted click queued. */
async function jobOf(requestId: string): Promise<RequestJob> {
  const job = await queue.getJob(jobIdFor(requestId));
  expect(job, requestId).toBeDefined();
  return job?.data as RequestJob;
}

beforeAll(async () => {
  await queue.waitUntilReady();
});

afterAll(async () => {
  await queue.close();
  await producer.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe("post component ids", () => {
  it("carry the post and the action; a post id may hold colons, an action never", () => {
    expect(postComponentId("slack:cmd:t1", "approve-2")).toBe("post:slack:cmd:t1:approve-2");
    expect(parsePostComponentId("post:slack:cmd:t1:approve-2")).toEqual({
      postId: "slack:cmd:t1",
      action: "approve-2",
    });
    expect(parsePostComponentId("stop:slack:cmd:t1")).toBeUndefined();
    expect(parsePostComponentId("post:shorter")).toBeUndefined();
    expect(parsePostComponentId("post::shorter")).toBeUndefined();
    expect(parsePostComponentId("post:p:")).toEqual({ postId: "p", action: "" });
  });
});

describe("where a post is", () => {
  it("the ids its adapter posted it under join the request's routing; an expired post stays gone", async () => {
    const postId = await savedPost();
    await clicks.locate(postId, { messageId: "m-2", threadId: "t-2" });
    expect((await clicks.get(postId))?.location).toEqual({
      channel: "chan-1",
      message: "m-1",
      messageId: "m-2",
      threadId: "t-2",
    });
    expect((await clicks.get(postId))?.record.requester).toEqual(alice);
    await clicks.locate("discord:gone", { messageId: "m-3" });
    expect(await clicks.get("discord:gone")).toBeUndefined();
  });
});

describe("refinements", () => {
  it("queue one refine job with the version seen, the menu's value and where the post is", async () => {
    const postId = await savedPost();
    const out = await click(postId, "tone", { value: "witty", clickId: "tone-1", reply: { token: "t" } });
    expect(out).toEqual({ accepted: true, requestId: "discord:post:tone-1", command: "refine" });
    const job = await jobOf("discord:post:tone-1");
    expect(job).toMatchObject({
      platform: "discord",
      priority: "interactive",
      command: "refine",
      args: { post: postId, action: "tone", version: "3", value: "witty" },
      user: alice,
      scope: { id: "guild-1", channelId: "chan-1" },
      reply: { channel: "chan-1", message: "m-1", token: "t", post: postId },
    });
    // A button carries no value.
    await click(postId, "shorter", { clickId: "short-1" });
    expect((await jobOf("discord:post:short-1")).args).toEqual({
      post: postId,
      action: "shorter",
      version: "3",
    });
  });

  it("take only what each menu offers", async () => {
    const postId = await savedPost();
    const offMenu = { accepted: false, message: "That choice is not on the menu." };
    expect(await click(postId, "tone", { value: "angry" })).toEqual(offMenu);
    expect(await click(postId, "tone")).toEqual(offMenu);
    expect(await click(postId, "platform", { value: "myspace" })).toEqual(offMenu);
    expect(await click(postId, "platform")).toEqual(offMenu);
    expect(await click(postId, "translate", { value: "xx" })).toEqual(offMenu);
    expect(await click(postId, "translate")).toEqual(offMenu);
    expect(await click(postId, "platform", { value: "x" })).toMatchObject({ accepted: true });
    expect(await click(postId, "translate", { value: "de" })).toMatchObject({ accepted: true });
    expect(await click(postId, "regenerate")).toMatchObject({ accepted: true, command: "refine" });
  });

  it("refuse an unknown action and an expired post", async () => {
    const postId = await savedPost();
    expect(await click(postId, "delete")).toEqual({
      accepted: false,
      message: "That button is not one I know.",
    });
    expect(await click(postId, "approve-x")).toEqual({
      accepted: false,
      message: "That button is not one I know.",
    });
    expect(await click("discord:gone", "shorter")).toEqual({ accepted: false, message: POST_EXPIRED });
    // Approve names one caption by one digit, and nothing else.
    for (const action of ["approve-12", "reapprove-1", "approve-"])
      expect(await click(postId, action)).toEqual({
        accepted: false,
        message: "That button is not one I know.",
      });
  });
});

describe("approval", () => {
  it("only the requester or an approver may approve; the caption pressed is the one frozen", async () => {
    const postId = await savedPost();
    expect(await click(postId, "approve-1", { user: bob })).toEqual({
      accepted: false,
      message: "Only the person who asked for this post, or an approver, can approve it.",
    });
    expect(await click(postId, "approve-3")).toEqual({
      accepted: false,
      message: "That caption is not part of this post any more.",
    });
    const out = await click(postId, "approve-2", { clickId: "ok-2" });
    expect(out).toEqual({ accepted: true, requestId: "discord:post:ok-2", command: "approve" });
    expect((await jobOf("discord:post:ok-2")).args).toEqual({ post: postId, variant: "1" });
    expect((await store.get(postId))?.approval).toMatchObject({ variant: 1, by: alice, status: "pending" });

    // Frozen: another approval and any refinement are refused, naming who approved which caption.
    expect(await click(postId, "approve-1", { user: bob, approver: true })).toEqual({
      accepted: false,
      message: "This post is already approved (caption 2, by alice).",
    });
    expect(await click(postId, "approve-2", { user: bob, approver: true })).toEqual({
      accepted: false,
      message: "This post is already approved (caption 2, by alice).",
    });
    expect(await click(postId, "shorter")).toEqual({
      accepted: false,
      message: "This post was approved by alice; run /post again for a new one.",
    });
  });

  it("an approver may approve someone else's post; one without a name is 'a teammate'", async () => {
    const postId = await savedPost();
    expect(await click(postId, "approve-1", { user: carol, approver: true })).toMatchObject({
      accepted: true,
    });
    expect(await click(postId, "regenerate")).toEqual({
      accepted: false,
      message: "This post was approved by a teammate; run /post again for a new one.",
    });
  });

  it("an expired post cannot be approved", async () => {
    expect(await click("discord:gone", "approve-1")).toEqual({ accepted: false, message: POST_EXPIRED });
  });
});

describe("retry", () => {
  it("needs an approval that failed, and someone allowed to retry it", async () => {
    const postId = await savedPost();
    expect(await click(postId, "retry")).toEqual({
      accepted: false,
      message: "This post has no approval to retry; press Approve first.",
    });
    await click(postId, "approve-2", { user: carol, approver: true });
    expect(await click(postId, "retry")).toEqual({
      accepted: false,
      message: "It is being published right now.",
    });
    const held = (await store.get(postId))?.approval;
    if (!held) throw new Error("no approval");
    await store.setApproval(postId, { ...held, status: "ready" });
    expect(await click(postId, "retry")).toEqual({ accepted: false, message: "This post is already done." });

    await store.setApproval(postId, { ...held, status: "failed", message: "Mastodon said no." });
    expect(await click(postId, "retry", { user: bob })).toEqual({
      accepted: false,
      message: "Only the person who asked for this post, or an approver, can retry publishing it.",
    });
    // The one who approved may retry, though neither requester nor approver now.
    const out = await click(postId, "retry", { user: carol, clickId: "retry-1" });
    expect(out).toEqual({ accepted: true, requestId: "discord:post:retry-1", command: "approve" });
    expect((await jobOf("discord:post:retry-1")).args).toEqual({ post: postId, variant: "1" });
    expect((await store.get(postId))?.approval?.status).toBe("pending");
  });

  it("the requester and an approver may retry; pressing Approve again on a failed caption retries it", async () => {
    const postId = await savedPost();
    await click(postId, "approve-1");
    const held = (await store.get(postId))?.approval;
    if (!held) throw new Error("no approval");
    await store.setApproval(postId, { ...held, status: "failed" });
    expect(await click(postId, "approve-2")).toEqual({
      accepted: false,
      message: "This post is already approved (caption 1, by alice).",
    });
    const again = await click(postId, "approve-1", { clickId: "again-1" });
    expect(again).toEqual({ accepted: true, requestId: "discord:post:again-1", command: "approve" });
    expect((await jobOf("discord:post:again-1")).args).toEqual({ post: postId, variant: "0" });

    await store.setApproval(postId, { ...held, status: "failed" });
    expect(await click(postId, "retry", { user: bob, approver: true })).toMatchObject({ accepted: true });
  });
});

describe("a click the queue refuses", () => {
  it("tells the clicker the queue's sentence", async () => {
    const tight = testConfig({ redis: { prefix }, limits: { perUserInFlight: 1, perScopeRate: 1000 } });
    const p = createProducer({ redisUrl: redisUrl(), prefix, config: tight });
    const limited = createPostClicks({ platform: "discord", producer: p, config: tight, redis, approvers });
    try {
      const postId = await savedPost();
      const user = { id: "U-busy", name: "busy" };
      const first = await limited.click({
        postId,
        action: "shorter",
        clickId: "busy-1",
        user,
        approver: false,
      });
      expect(first).toMatchObject({ accepted: true });
      const second = await limited.click({
        postId,
        action: "shorter",
        clickId: "busy-2",
        user,
        approver: false,
      });
      expect(second).toEqual({ accepted: false, message: expect.stringMatching(/already have 1 request/) });
    } finally {
      await p.close();
    }
  });
});
