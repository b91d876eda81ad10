import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import {
  type DeliveryJob,
  deliveryFor,
  deliveryJobOptions,
  requestJobSchema,
} from "../../../src/core/jobs.js";
import { bullConnection } from "../../../src/queue/connection.js";
import { startDeliveryWorker } from "../../../src/queue/delivery-worker.js";
import { bullQueueName, deliveredKey, jobIdFor } from "../../../src/queue/names.js";
import { createProducer } from "../../../src/queue/producer.js";
import { loggedSince, logMark } from "../../helpers/log-capture.js";
import { recordingAdapter, request, testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";

/**
 * The delivery worker on real Redis: each answer reaches the user exactly once, whatever puts its
 * job on the queue twice, and a failed post is tried again; once posted it frees the asker's slot.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setUp(adapter: { post(d: DeliveryJob): Promise<{ postedAt: number; messageIds: string[] }> }) {
  const prefix = uniquePrefix("deliver");
  const config = testConfig({ limits: { perUserInFlight: 1, perScopeRate: 1000 } });
  const producer = createProducer({ redisUrl: redisUrl(), prefix, config });
  const queue = new Queue(bullQueueName("deliveries:cli"), {
    connection: bullConnection(redisUrl(), "queue"),
    prefix,
  });
  const delivery = startDeliveryWorker({ redisUrl: redisUrl(), prefix, platform: "cli", adapter });
  const redis = newRedis();
  cleanups.push(async () => {
    await delivery.close();
    await queue.close();
    await producer.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  /** Puts the answer to `r` on the queue under `jobId` (the request's own by default). */
  const deliver = (r: ReturnType<typeof request>, jobId = jobIdFor(r.requestId)) =>
    queue.add(
      "delivery",
      deliveryFor(requestJobSchema.parse(r), { status: "ok", text: `answer to ${r.requestId}` }),
      {
        ...deliveryJobOptions({ completed: config.limits.keepCompleted, failed: config.limits.keepFailed }),
        jobId,
        backoff: { type: "fixed", delay: 100 },
      },
    );
  return { prefix, producer, queue, redis, deliver, delivery };
}

describe("the delivery worker", () => {
  it("posts an answer once, marks it delivered for a week and frees the asker's slot", async () => {
    const adapter = recordingAdapter();
    const t = setUp(adapter);
    const r = request({ user: { id: "asker" } });
    await t.producer.submit(r);
    await expect(t.producer.submit(request({ user: { id: "asker" } }))).rejects.toMatchObject({
      code: "too_many_in_flight",
    });
    const job = await t.deliver(r);
    await waitFor(() => adapter.posted.length === 1, 20_000, "the post");
    expect(adapter.posted[0]).toMatchObject({
      requestId: r.requestId,
      status: "ok",
      text: `answer to ${r.requestId}`,
    });
    await waitFor(async () => (await job.getState()) === "completed", 10_000, "the job to complete");
    expect((await t.queue.getJob(job.id ?? ""))?.returnvalue).toMatchObject({
      duplicate: false,
      messageIds: ["m-1"],
    });
    const key = deliveredKey(t.prefix, "cli", r.requestId);
    await waitFor(async () => (await t.redis.get(key)) === "done", 5000, "the done mark");
    const ttl = await t.redis.ttl(key);
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
    // The slot is free again: the next request is admitted.
    await expect(t.producer.submit(request({ user: { id: "asker" } }))).resolves.toMatchObject({
      duplicate: false,
    });
  });

  it("the same answer queued again under another job posts nothing more", async () => {
    const adapter = recordingAdapter();
    const t = setUp(adapter);
    const r = request();
    await t.deliver(r);
    await waitFor(() => adapter.posted.length === 1, 20_000, "the first post");
    const again = await t.deliver(r, "second-copy");
    await waitFor(async () => (await again.getState()) === "completed", 20_000, "the copy to finish");
    expect((await t.queue.getJob("second-copy"))?.returnvalue).toMatchObject({
      duplicate: true,
      messageIds: [],
    });
    expect(adapter.posted).toHaveLength(1);
  });

  it("an answer another worker is posting right now waits for that worker's lease, not posted twice", async () => {
    const adapter = recordingAdapter();
    const t = setUp(adapter);
    const r = request();
    await t.redis.set(deliveredKey(t.prefix, "cli", r.requestId), "posting:elsewhere:1", "EX", 120);
    const job = await t.deliver(r);
    await waitFor(async () => (await job.getState()) === "delayed", 20_000, "the job to wait");
    const waiting = await t.queue.getJob(job.id ?? "");
    // It looks again once the two-minute lease could have run out.
    expect((waiting?.delay ?? 0) + (waiting?.timestamp ?? 0)).toBeGreaterThan(Date.now() + 100_000);
    expect(adapter.posted).toHaveLength(0);
  });

  it("ten answers at once: each posted once, marked done and its asker's slot freed (claims and marks share calls)", async () => {
    const adapter = recordingAdapter();
    const t = setUp(adapter);
    const rs = Array.from({ length: 10 }, (_, i) => request({ user: { id: `asker-${i}` } }));
    for (const r of rs) await t.producer.submit(r);
    await Promise.all(rs.map((r) => t.deliver(r)));
    await waitFor(() => adapter.posted.length === 10, 20_000, "ten posts");
    expect(adapter.posted.map((d) => d.requestId).sort()).toEqual(rs.map((r) => r.requestId).sort());
    for (const r of rs) {
      const key = deliveredKey(t.prefix, "cli", r.requestId);
      await waitFor(async () => (await t.redis.get(key)) === "done", 5000, `${r.requestId} marked done`);
      expect(await t.redis.ttl(key)).toBeGreaterThan(6 * 24 * 3600);
    }
    // Every asker's one slot is free again.
    for (const r of rs)
      await expect(t.producer.submit(request({ user: r.user }))).resolves.toMatchObject({ duplicate: false });
  });

  it("the same answer handed out twice at once is posted once: the second finds the first's lease and waits", async () => {
    const posted: DeliveryJob[] = [];
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const t = setUp({
      async post(d) {
        posted.push(d);
        await slow;
        return { postedAt: Date.now(), messageIds: ["m-1"] };
      },
    });
    const r = request();
    const first = await t.deliver(r);
    await waitFor(() => posted.length === 1, 20_000, "the first post to start");
    const second = await t.deliver(r, "second-copy");
    await waitFor(
      async () => (await second.getState()) === "delayed",
      20_000,
      "the copy to wait for the lease",
    );
    release();
    await waitFor(async () => (await first.getState()) === "completed", 20_000, "the first to finish");
    expect(posted).toHaveLength(1);
  });

  it("a post that failed is logged with its request and attempt, tried again, and then posted once", async () => {
    const mark = logMark();
    const posted: DeliveryJob[] = [];
    let failures = 1;
    const t = setUp({
      async post(d) {
        if (failures-- > 0) throw new Error("platform down");
        posted.push(d);
        return { postedAt: Date.now(), messageIds: ["m-1"] };
      },
    });
    const r = request();
    const job = await t.deliver(r);
    await waitFor(() => posted.length === 1, 20_000, "the retried post");
    await waitFor(async () => (await job.getState()) === "completed", 10_000, "the job to complete");
    expect((await t.queue.getJob(job.id ?? ""))?.attemptsMade).toBe(2);
    expect(posted).toHaveLength(1);
    // What an operator reads in an incident: which request, which attempt, why.
    const failed = loggedSince(mark).filter((l) => l.msg === "delivery failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ requestId: r.requestId, attempts: 1 });
    expect(JSON.stringify(failed[0]?.err)).toContain("platform down");
  });

  it("once closed, it takes no more deliveries", async () => {
    const adapter = recordingAdapter();
    const t = setUp(adapter);
    await t.delivery.close();
    expect(t.delivery.worker.isRunning()).toBe(false);
    expect(t.delivery.worker.closing).toBeDefined();
  });
});
