import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { postCardFor, scheduledCard } from "../../../src/bots/post-card.js";
import { createPostClicks } from "../../../src/bots/post-clicks.js";
import { createPostSchedule, type PostSchedule } from "../../../src/bots/post-schedule.js";
import { createPostRedraw } from "../../../src/bots/post-standing.js";
import type { Config } from "../../../src/config/schema.js";
import type { PostBundle } from "../../../src/core/jobs.js";
import type { Outgoing } from "../../../src/core/surface.js";
import { idempotencyKey } from "../../../src/publish/mastodon.js";
import { nextSlots } from "../../../src/publish/when.js";
import { createBlobStore } from "../../../src/queue/blobs.js";
import { approvalIdFor, createPostStore } from "../../../src/queue/posts.js";
import { createProducer } from "../../../src/queue/producer.js";
import { freePort, startRedisServer } from "../../../src/queue/redis-server.js";
import { createSchedule } from "../../../src/queue/schedule.js";
import { fixture } from "../../helpers/images.js";
import { startPublishingEngine } from "../../helpers/post-engine.js";
import { testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { MASTODON_TEST_TOKEN as TOKEN } from "../../helpers/secrets.js";
import { tomorrowAt } from "../../helpers/zone-clock.js";
import { fakeMastodon } from "./fake-services.js";

/**
 * Scheduled posts on real Redis and BullMQ, published by a real engine worker to a loopback
 * Mastodon: at the time and once, one job however often it is scheduled, and Cancel, Reschedule
 * and Publish now on the delayed job; an engine killed while publishing and a Redis restarted
 * while a post waits lose nothing and post nothing twice.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
const shared = newRedis();
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(shared, p);
  shared.disconnect();
});

const maria = { id: "U-maria", name: "maria" }; // an approver
const sam = { id: "U-sam", name: "sam" }; // asked for the post
const approver = { user: maria, approver: true };
const CAPTIONS = ["Frisbee Sunday 🥏 #Park", "Lawn, disc, friends. #Frisbee"];

/** One test's world: a prefix, a loopback Mastodon configured as the account, the flow, the queue. */
async function world(o: { url?: string; redis?: Redis; zones?: Record<string, string> } = {}) {
  const url = o.url ?? redisUrl();
  const prefix = uniquePrefix("schedule");
  prefixes.push(prefix);
  const mastodon = await fakeMastodon({ token: TOKEN });
  cleanups.push(mastodon.close);
  const config = testConfig({
    redis: { prefix },
    publish: { mastodon: { instanceUrl: mastodon.url }, timeZone: "Europe/Berlin" },
  });
  const redis = o.redis ?? newRedis();
  if (!o.redis) cleanups.push(async () => redis.disconnect());
  const schedule = createSchedule({ redisUrl: url, prefix, config });
  cleanups.push(() => schedule.close());
  const flow = createPostSchedule({
    platform: "web",
    config,
    redis,
    schedule,
    approvers: {
      configured: true,
      who: "whoever has the approver password",
      setting: "web.approverPassword",
    },
    ...(o.zones ? { profileZone: async (id: string) => o.zones?.[id] } : {}),
  });
  return { prefix, config, redis, url, mastodon, schedule, flow };
}

/** A Mastodon post by sam with two captions and the frisbee photo, as the engine would have saved it. */
async function savedPost(w: { prefix: string; config: Config; redis: Redis }, n: number): Promise<string> {
  const blobs = createBlobStore(w.redis, { prefix: w.prefix, ttlS: 3600, maxBytes: 20_000_000 });
  const image = await blobs.put(fixture("frisbee.jpg"), { mime: "image/jpeg", width: 640, height: 427 });
  const postId = `web:post-${n}`;
  await createPostStore(w.redis, w.prefix).save(
    {
      postId,
      platform: "web",
      requester: sam,
      scope: { id: "local", channelId: "playground" },
      state: {
        imageKey: image.key,
        platform: "mastodon",
        tone: "casual",
        lang: "en",
        requested: 2,
        description: "people playing frisbee",
        altText: "Two people play frisbee on a lawn.",
        captions: CAPTIONS,
        hashtags: [],
      },
      bundle: {
        platform: "mastodon",
        variants: CAPTIONS.map((text) => ({ text, hashtags: [], chars: text.length })),
        altText: "Two people play frisbee on a lawn.",
        limit: 500,
      },
      image: { ...image, altText: "Two people play frisbee on a lawn.", filename: "post-mastodon.jpg" },
      version: 0,
    },
    { channel: "playground" },
  );
  return postId;
}

async function inProcessEngine(w: { config: Config; url: string }) {
  const close = await startPublishingEngine({ config: w.config, redisUrl: w.url });
  cleanups.push(close);
  return close;
}

function childEngine(w: { config: Config; url: string }): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve("test/integration/publish/engine-child.ts")],
    {
      env: {
        ...process.env,
        REDIS_URL: w.url,
        ENGINE_CONFIG: JSON.stringify(w.config),
        MASTODON_TOKEN: TOKEN,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  let out = "";
  return new Promise((res, rej) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (/^ready$/m.test(out)) res(child);
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    void exited.then(() => rej(new Error(`engine exited:\n${out}`)));
  });
}

const scheduled = (out: Awaited<ReturnType<PostSchedule["schedule"]>>) => {
  if (!out.accepted) throw new Error(out.message);
  return out;
};

describe("a scheduled post", () => {
  it("is published once, at its time, with the chosen caption and the photo's alt text", async () => {
    const w = await world();
    await inProcessEngine(w);
    const postId = await savedPost(w, 1);
    const out = scheduled(await w.flow.schedule(postId, 1, Date.now() + 3000, approver));
    expect(out).toMatchObject({
      approvalId: approvalIdFor(postId, 1),
      zone: "Europe/Berlin",
      duplicate: false,
    });
    expect(w.mastodon.statuses).toHaveLength(0);
    await waitFor(() => w.mastodon.statuses.length === 1, 15_000, "the scheduled post");
    const status = w.mastodon.statuses[0];
    expect(status?.text).toBe(CAPTIONS[1]);
    expect(status?.idempotencyKey).toBe(idempotencyKey(out.approvalId));
    expect(w.mastodon.media[0]?.description).toBe("Two people play frisbee on a lawn.");
    // Publishing begins at the time (its first request to the network), not before, within 1 s.
    const began = w.mastodon.media[0]?.receivedAt ?? 0;
    expect(began).toBeGreaterThanOrEqual(out.at);
    expect(began - out.at).toBeLessThanOrEqual(1000);
    expect(Date.parse(status?.createdAt ?? "")).toBeGreaterThanOrEqual(began);
    await waitFor(
      async () => (await createPostStore(w.redis, w.prefix).get(postId))?.approval?.status === "published",
      5000,
      "the approval marked published",
    );
    expect(await w.schedule.list("local")).toEqual([]);
    expect(w.mastodon.statuses).toHaveLength(1);
  });

  it("scheduled twice (and by a second approver) is one job, at the first time", async () => {
    const w = await world();
    const postId = await savedPost(w, 2);
    const first = scheduled(await w.flow.schedule(postId, 0, "tomorrow 9am", approver));
    const again = scheduled(await w.flow.schedule(postId, 0, "next friday 17:30", approver));
    const other = scheduled(
      await w.flow.schedule(postId, 0, "in 3 hours", { user: { id: "U-kim" }, approver: true }),
    );
    expect(again).toMatchObject({ duplicate: true, at: first.at, approvalId: first.approvalId });
    expect(other).toMatchObject({ duplicate: true, at: first.at });
    const list = await w.flow.list("local");
    expect(list.map((p) => [p.approvalId, p.at, p.network, p.caption, p.by.id])).toEqual([
      [first.approvalId, first.at, "mastodon", CAPTIONS[0], maria.id],
    ]);
    // Another caption of an approved post is refused, whoever asks.
    const second = await w.flow.schedule(postId, 1, "tomorrow 9am", approver);
    expect(second).toEqual({
      accepted: false,
      message: "This post is already approved (caption 1, by maria).",
    });
  });

  it("an approver's typed time is read in the zone of the person the post is for, and says so", async () => {
    // sam asked for the post from New York; maria approves from Tokyo.
    const w = await world({ zones: { [sam.id]: "America/New_York", [maria.id]: "Asia/Tokyo" } });
    const postId = await savedPost(w, 30);
    const out = scheduled(await w.flow.schedule(postId, 0, "tomorrow 9am", approver));
    expect(out.at).toBe(tomorrowAt("America/New_York", "09:00"));
    expect(out).toMatchObject({ zone: "America/New_York", readFor: sam });
    // Reschedule's words are read there too.
    const moved = await w.flow.change(out.approvalId, "reschedule", approver, "tomorrow 17:30");
    expect(moved).toMatchObject({ done: true, at: tomorrowAt("America/New_York", "17:30") });
    // sam's own words are read in his own zone, with nothing to point out.
    const own = await world({ zones: { [sam.id]: "America/New_York" } });
    const ownPost = await savedPost(own, 31);
    const bySam = await own.flow.schedule(ownPost, 0, "tomorrow 9am", { user: sam, approver: true });
    expect(bySam.accepted && bySam.readFor).toBe(undefined);
    expect(bySam.accepted && bySam.at).toBe(tomorrowAt("America/New_York", "09:00"));
  });

  it("is refused to someone who may not publish, and at a time in the past or too far ahead", async () => {
    const w = await world();
    const postId = await savedPost(w, 3);
    const bySam = await w.flow.schedule(postId, 0, "tomorrow 9am", { user: sam, approver: false });
    expect(bySam).toEqual({
      accepted: false,
      message:
        "Scheduling this post publishes it to Mastodon, so only an approver can: whoever has the approver password.",
    });
    const past = await w.flow.schedule(postId, 0, "yesterday 9am", approver);
    expect(past.accepted ? "" : past.message).toMatch(/has already passed; pick a time in the future\.$/);
    const far = await w.flow.schedule(postId, 0, "in 400 days", approver);
    expect(far.accepted ? "" : far.message).toMatch(/is more than 60 days ahead/);
    expect(await w.schedule.list()).toEqual([]);
    expect((await createPostStore(w.redis, w.prefix).get(postId))?.approval).toBeUndefined();
  });

  it("Cancel before the time publishes nothing, only for its scheduler or an approver, and frees the post", async () => {
    const w = await world();
    await inProcessEngine(w);
    const cancelled = await savedPost(w, 4);
    const later = await savedPost(w, 5);
    const a = scheduled(await w.flow.schedule(cancelled, 0, Date.now() + 2000, approver));
    const byOther = await w.flow.change(a.approvalId, "cancel", { user: sam, approver: false });
    expect(byOther).toEqual({
      done: false,
      message: "Only maria or an approver can change this scheduled post.",
    });
    expect(await w.flow.change(a.approvalId, "cancel", approver)).toMatchObject({ done: true });
    expect((await createPostStore(w.redis, w.prefix).get(cancelled))?.approval).toBeUndefined();
    // A post due after the cancelled one is published; the cancelled one never is.
    const b = scheduled(await w.flow.schedule(later, 1, Date.now() + 2500, approver));
    await waitFor(() => w.mastodon.statuses.length > 0, 15_000, "the later post");
    expect(w.mastodon.statuses.map((s) => s.idempotencyKey)).toEqual([idempotencyKey(b.approvalId)]);
    expect(await w.flow.change(a.approvalId, "cancel", approver)).toEqual({
      done: false,
      message: "That post is not scheduled any more (published or cancelled).",
    });
  });

  it("Reschedule moves it: due in an hour, moved to 2 s ahead, it is published then", async () => {
    const w = await world();
    await inProcessEngine(w);
    const postId = await savedPost(w, 6);
    const a = scheduled(await w.flow.schedule(postId, 0, "in 1 hour", approver));
    const target = Date.now() + 2000;
    const moved = await w.flow.change(a.approvalId, "reschedule", approver, target);
    expect(moved).toMatchObject({ done: true, at: target });
    // BullMQ reads its own clock as it moves the job: the same instant within a few ms.
    expect(Math.abs(((await w.schedule.get(a.approvalId))?.at ?? 0) - target)).toBeLessThan(50);
    await waitFor(() => w.mastodon.statuses.length === 1, 15_000, "the moved post");
    const began = w.mastodon.media[0]?.receivedAt ?? 0;
    expect(began).toBeGreaterThanOrEqual(target);
    expect(began - target).toBeLessThanOrEqual(1000);
    expect(await w.schedule.list()).toEqual([]);
  });

  it("Publish now publishes once and leaves no delayed job", async () => {
    const w = await world();
    await inProcessEngine(w);
    const postId = await savedPost(w, 7);
    const a = scheduled(await w.flow.schedule(postId, 0, "in 2 days", approver));
    expect(await w.schedule.list()).toHaveLength(1);
    expect(await w.flow.change(a.approvalId, "publish-now", approver)).toEqual({
      done: true,
      message: "Publishing to Mastodon now.",
    });
    await waitFor(() => w.mastodon.statuses.length === 1, 15_000, "the post published now");
    expect(await w.schedule.list()).toEqual([]);
    expect(await shared.zcard(`${w.prefix}:requests:delayed`)).toBe(0);
    // Scheduling it again afterwards makes no second job and no second post.
    const again = await w.flow.schedule(postId, 0, "tomorrow 9am", approver);
    expect(again).toMatchObject({ accepted: false });
    expect(w.mastodon.statuses).toHaveLength(1);
  });
});

describe("crashes and restarts", () => {
  it("the engine killed with SIGKILL as it publishes: a restarted engine finishes it, exactly once", async () => {
    const w = await world();
    const postId = await savedPost(w, 8);
    const child = await childEngine(w);
    const posted = w.mastodon.hooks.hold("POST /api/v1/statuses", "after");
    const a = scheduled(await w.flow.schedule(postId, 0, Date.now() + 1500, approver));
    const release = await posted; // the status exists; the engine has not heard back
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    release();
    expect(w.mastodon.statuses).toHaveLength(1);
    await inProcessEngine(w);
    await waitFor(
      async () => (await createPostStore(w.redis, w.prefix).get(postId))?.approval?.status === "published",
      40_000,
      "the restarted engine to finish the publish",
    );
    expect(w.mastodon.statuses).toHaveLength(1);
    expect(w.mastodon.statuses[0]?.idempotencyKey).toBe(idempotencyKey(a.approvalId));
    const approval = (await createPostStore(w.redis, w.prefix).get(postId))?.approval;
    expect(approval?.url).toBe(`${w.mastodon.url}/@team/${w.mastodon.statuses[0]?.id}`);
  }, 60_000);

  it("Redis restarted (AOF) while a post waits: it is still scheduled and is published once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "schedule-aof-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    let server = await startRedisServer({ dir, port, appendOnly: true });
    cleanups.push(() => server.stop());
    const { Redis } = await import("ioredis");
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    cleanups.push(async () => redis.disconnect());
    const w = await world({ url: server.url, redis });
    const postId = await savedPost(w, 9);
    const a = scheduled(await w.flow.schedule(postId, 0, Date.now() + 8000, approver));
    await server.stop();
    server = await startRedisServer({ dir, port, appendOnly: true });
    await waitFor(
      async () => (await w.schedule.get(a.approvalId).catch(() => undefined)) !== undefined,
      10_000,
      "Redis back",
    );
    expect((await w.schedule.get(a.approvalId))?.at).toBe(a.at);
    await inProcessEngine(w);
    await waitFor(() => w.mastodon.statuses.length === 1, 20_000, "the post after the restart");
    expect(Date.parse(w.mastodon.statuses[0]?.createdAt ?? "")).toBeGreaterThanOrEqual(a.at);
    expect(w.mastodon.statuses[0]?.text).toBe(CAPTIONS[0]);
  }, 60_000);
});

describe("Schedule… on the post card", () => {
  it("offers each caption at the next slots; a choice schedules it and answers in the platform's time markup", async () => {
    const w = await world();
    const producer = createProducer({ redisUrl: w.url, prefix: w.prefix, config: w.config });
    cleanups.push(() => producer.close());
    const clicks = createPostClicks({
      platform: "discord",
      producer,
      config: w.config,
      redis: w.redis,
      approvers: {
        configured: true,
        who: "a member with the role @social team",
        setting: "discord.approverRoles",
      },
      time: (at) => `<t:${Math.floor(at / 1000)}:F> (<t:${Math.floor(at / 1000)}:R>)`,
    });
    const postId = await savedPost(w, 10);
    const post = await clicks.get(postId);
    const card = postCardFor(postId, post?.record.bundle as PostBundle, w.config);
    const menu = card.actions.find((a) => a.id === `post:${postId}:schedule`);
    expect(menu?.type).toBe("select");
    const options = menu?.type === "select" ? menu.options : [];
    const slots = nextSlots(w.config.publish.slots, { zone: "Europe/Berlin", maxAheadDays: 60 });
    expect(options).toEqual(
      [1, 2].flatMap((n) => [
        ...slots.map((s) => ({
          value: `${n}-${Math.floor(s.at / 1000)}`,
          label: `Caption ${n} · ${s.label}`,
        })),
        { value: `${n}-other`, label: `Caption ${n} · Other time…` },
      ]),
    );
    const [, second] = options.filter((x) => x.value.startsWith("2-"));
    const choice = second ?? options[0];
    const by = (user: { id: string; name?: string }, approver: boolean) =>
      clicks.click({
        postId,
        action: "schedule",
        value: choice?.value ?? "",
        clickId: `s-${user.id}`,
        user,
        approver,
      });
    expect(await by(sam, false)).toEqual({
      accepted: false,
      message:
        "Scheduling this post publishes it to Mastodon, so only an approver can: a member with the role @social team.",
    });
    const unix = Number(choice?.value.split("-")[1]);
    expect(await by(maria, true)).toEqual({
      accepted: true,
      command: "schedule",
      requestId: approvalIdFor(postId, 1),
      note: `Scheduled: caption 2 goes out <t:${unix}:F> (<t:${unix}:R>).`,
    });
    expect((await w.schedule.list("local")).map((j) => [j.approvalId, j.at])).toEqual([
      [approvalIdFor(postId, 1), unix * 1000],
    ]);
    const approve = await clicks.click({
      postId,
      action: "approve-1",
      clickId: "a-1",
      user: maria,
      approver: true,
    });
    expect(approve).toEqual({
      accepted: false,
      message: "This post is scheduled (caption 2, by maria).",
    });
    const bogus = await clicks.click({
      postId,
      action: "schedule",
      value: "9-12",
      clickId: "b",
      user: maria,
      approver: true,
    });
    expect(bogus).toEqual({ accepted: false, message: "That choice is not on the menu." });

    // /scheduled: the list as a card, each post with its photo and Publish now, Reschedule and
    // Cancel, for its scheduler and the approvers only.
    const listed = scheduledCard(
      await clicks.schedule.list("local"),
      (at) => `<t:${Math.floor(at / 1000)}:F>`,
    );
    expect(listed.title).toBe("Scheduled posts (1), soonest first");
    expect(listed.sections).toEqual([
      {
        text: `<t:${unix}:F> · Mastodon · ${CAPTIONS[1]}`,
        footer: "scheduled by maria",
        buttons: [
          { type: "button", id: `post:${postId}:publish-now`, label: "Publish now", primary: true },
          { type: "button", id: `post:${postId}:reschedule`, label: "Reschedule" },
          { type: "button", id: `post:${postId}:unschedule`, label: "Cancel" },
        ],
        thumbnail: {
          key: (await createPostStore(w.redis, w.prefix).get(postId))?.record.image?.key,
          description: "Two people play frisbee on a lawn.",
        },
      },
    ]);
    const cancel = (user: { id: string; name?: string }, approver: boolean) =>
      clicks.click({ postId, action: "unschedule", clickId: `u-${user.id}`, user, approver });
    expect(await cancel(sam, false)).toEqual({
      accepted: false,
      message: "Only maria or an approver can change this scheduled post.",
    });
    expect(await w.schedule.list()).toHaveLength(1);
    expect(await cancel({ id: "U-kim", name: "kim" }, true)).toMatchObject({
      accepted: true,
      note: "Cancelled: nothing will be published. The post can be approved again.",
    });
    expect(await w.schedule.list()).toEqual([]);
    expect(scheduledCard([], String).title).toBe("Nothing is scheduled.");
  });
});

describe("the post card of a scheduled post", () => {
  it("says where the post stands: its time (no Approve or Schedule… left), moved, open again once cancelled, then published or failed with Retry", async () => {
    const w = await world();
    const drawn: Outgoing[] = [];
    const redraw = createPostRedraw({
      redis: w.redis,
      config: w.config,
      writer: { time: (at) => `<t:${Math.floor(at / 1000)}:F>`, format: String },
      async draw(_stored, out) {
        drawn.push(out);
        return "drawn";
      },
    });
    const flow = createPostSchedule({
      platform: "discord",
      config: w.config,
      redis: w.redis,
      schedule: w.schedule,
      approvers: { configured: true, who: "approvers", setting: "discord.approverRoles" },
      redraw,
    });
    const postId = await savedPost(w, 20);
    const unix = Math.floor(Date.now() / 1000) + 3600;
    const a = scheduled(await flow.schedule(postId, 1, unix * 1000, approver));
    const shown = drawn.at(-1)?.card;
    expect(shown?.status).toEqual({
      text: `🕒 Scheduled for <t:${unix}:F> by maria (caption 2)`,
      at: unix * 1000,
    });
    expect(shown?.sections.map((s) => [s.copy, s.button])).toEqual(CAPTIONS.map((c) => [c, undefined]));
    expect(shown?.actions).toEqual([]);

    expect(await flow.change(a.approvalId, "reschedule", approver, (unix + 60) * 1000)).toMatchObject({
      done: true,
    });
    expect(drawn.at(-1)?.card?.status?.text).toBe(`🕒 Scheduled for <t:${unix + 60}:F> by maria (caption 2)`);

    expect(await flow.change(a.approvalId, "cancel", approver)).toMatchObject({ done: true });
    const open = drawn.at(-1)?.card;
    expect(open?.status).toBeUndefined();
    expect(open?.sections.map((s) => s.button?.id)).toEqual([
      `post:${postId}:approve-1`,
      `post:${postId}:approve-2`,
    ]);
    expect(open?.actions.map((x) => x.id)).toContain(`post:${postId}:schedule`);

    // At the time the engine records the outcome; the card shows it (scheduled posts only).
    const posts = createPostStore(w.redis, w.prefix);
    const approval = { variant: 1, by: maria, approver: true, at: Date.now(), scheduledFor: unix * 1000 };
    await posts.approve(postId, { ...approval, status: "published", url: "https://m.example/@team/7" });
    expect(await redraw(postId, true)).toBe("drawn");
    expect(drawn.at(-1)?.card?.status?.text).toBe(
      "Published ✅ https://m.example/@team/7 (Mastodon, caption 2, scheduled by maria)",
    );
    expect(drawn.at(-1)?.card?.actions).toEqual([]);
    await posts.setApproval(postId, { ...approval, status: "failed", message: "Mastodon is down." });
    await redraw(postId, true);
    expect(drawn.at(-1)?.card?.status?.text).toBe(
      "⚠️ Not published to Mastodon: Mastodon is down. (caption 2, scheduled by maria). Press Retry to try again.",
    );
    expect(drawn.at(-1)?.card?.actions.map((x) => x.id)).toEqual([`post:${postId}:retry`]);
    // An approval made at once (never scheduled) keeps the card as it is.
    await posts.clearApproval(postId);
    await posts.approve(postId, { ...approval, scheduledFor: undefined, status: "published" });
    const before = drawn.length;
    expect(await redraw(postId, true)).toBe("none");
    expect(drawn).toHaveLength(before);
  });
});
