import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { requestJobSchema } from "../../../src/core/jobs.js";
import { createOutbox } from "../../../src/engine/outbox.js";
import { bullConnection } from "../../../src/queue/connection.js";
import { startDeliveryWorker } from "../../../src/queue/delivery-worker.js";
import { bullQueueName, jobIdFor } from "../../../src/queue/names.js";
import { createProducer } from "../../../src/queue/producer.js";
import { recordingAdapter, request, testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Two producers with their own connections, as two adapter replicas would be. */
function twoProducers(limits: Record<string, unknown>) {
  const prefix = uniquePrefix("lim");
  const config = testConfig({ limits });
  const a = createProducer({ redisUrl: redisUrl(), prefix, config });
  const b = createProducer({ redisUrl: redisUrl(), prefix, config });
  const redis = newRedis();
  cleanups.push(async () => {
    await a.close();
    await b.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  return { a, b, prefix, config };
}

async function settle(promises: Promise<unknown>[]) {
  const results = await Promise.allSettled(promises);
  return {
    ok: results.filter((r) => r.status === "fulfilled").length,
    errors: results.flatMap((r) =>
      r.status === "rejected" ? [r.reason as { code: string; message: string }] : [],
    ),
  };
}

describe("limits shared through Redis", () => {
  it("the per-user in-flight limit holds with two producers racing", async () => {
    const { a, b } = twoProducers({ perUserInFlight: 3, perScopeRate: 1000 });
    const user = { id: "racer" };
    const attempts = Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).submit(request({ user })));
    const { ok, errors } = await settle(attempts);
    expect(ok).toBe(3);
    expect(errors).toHaveLength(9);
    for (const e of errors) {
      expect(e.code).toBe("too_many_in_flight");
      expect(e.message).toMatch(/already have 3 requests in progress/);
    }
  });

  it("a finished request frees its slot when its answer is delivered", async () => {
    const { a, prefix, config } = twoProducers({ perUserInFlight: 1, perScopeRate: 1000 });
    const first = request({ user: { id: "u1" } });
    await a.submit(first);
    const again = () => a.submit(request({ user: { id: "u1" } }));
    await expect(again()).rejects.toMatchObject({ code: "too_many_in_flight" });
    // The engine's answer goes out through the delivery worker, which frees the slot (nothing else does).
    const adapter = recordingAdapter();
    const delivery = startDeliveryWorker({ redisUrl: redisUrl(), prefix, platform: "cli", adapter });
    const outbox = createOutbox(redisUrl(), prefix, {
      completed: config.limits.keepCompleted,
      failed: config.limits.keepFailed,
    });
    cleanups.push(
      () => delivery.close(),
      () => outbox.close(),
    );
    await outbox.deliver(requestJobSchema.parse(first), { status: "ok", text: "done", images: [] });
    await waitFor(() => adapter.posted.length === 1, 20_000, "the delivery");
    const taken = () =>
      again().then(
        () => true,
        () => false,
      );
    await waitFor(taken, 10_000, "the slot to be free");
    // The request just admitted holds the one slot again.
    await expect(again()).rejects.toMatchObject({ code: "too_many_in_flight" });
  });

  it("release() frees a slot by hand (a request that never reached the engine)", async () => {
    const { a } = twoProducers({ perUserInFlight: 1, perScopeRate: 1000 });
    const first = request({ user: { id: "u1" } });
    await a.submit(first);
    await a.limits.release({ requestId: first.requestId, platform: "cli", userId: "u1" });
    await expect(a.submit(request({ user: { id: "u1" } }))).resolves.toMatchObject({ duplicate: false });
  });

  it("the per-guild rate limit holds with two producers racing, and says when to retry", async () => {
    const { a, b } = twoProducers({ perUserInFlight: 100, perScopeRate: 5, perScopeWindowS: 60 });
    const attempts = Array.from({ length: 14 }, (_, i) =>
      (i % 2 ? a : b).submit(request({ scope: { id: "guild-race", channelId: "c" } })),
    );
    const { ok, errors } = await settle(attempts);
    expect(ok).toBe(5);
    expect(errors.every((e) => e.code === "rate_limited")).toBe(true);
    expect(errors[0]?.message).toMatch(/try again in \d+ s/);
    // Another guild is not affected.
    await expect(a.submit(request({ scope: { id: "guild-other", channelId: "c" } }))).resolves.toBeDefined();
  });

  it("background work does not take the user's interactive slots", async () => {
    const { a } = twoProducers({ perUserInFlight: 1, perScopeRate: 1000 });
    const user = { id: "uploader" };
    await a.submit(request({ user, priority: "background", command: "caption" }));
    await a.submit(request({ user, priority: "background", command: "caption" }));
    await expect(a.submit(request({ user }))).resolves.toMatchObject({ duplicate: false });
  });

  it("auto-captions have their own budget: past it they wait for a later window, and people are never refused for them", async () => {
    const { a, b, prefix } = twoProducers({
      perUserInFlight: 100,
      perScopeRate: 2,
      backgroundRate: 3,
      perScopeWindowS: 60,
    });
    const queue = new Queue(bullQueueName("requests"), {
      connection: bullConnection(redisUrl(), "queue"),
      prefix,
    });
    cleanups.push(() => queue.close());
    const scope = { id: "guild-burst", channelId: "c" };
    const captions = Array.from({ length: 7 }, () =>
      request({ scope, priority: "background", command: "caption" }),
    );
    // Seven uploads at once, through two replicas: none is refused.
    const { ok, errors } = await settle(captions.map((r, i) => (i % 2 ? a : b).submit(r)));
    expect(errors).toEqual([]);
    expect(ok).toBe(7);
    const delays = await Promise.all(
      captions.map(async (r) => (await queue.getJob(jobIdFor(r.requestId)))?.opts.delay ?? 0),
    );
    // Three run now; three wait for the next minute, the seventh for the one after.
    expect(delays.filter((d) => d === 0)).toHaveLength(3);
    const later = delays.filter((d) => d > 0).sort((x, y) => x - y);
    expect(later).toHaveLength(4);
    // (Each delay runs from its own admission, a few ms apart at most.)
    expect((later[2] ?? 0) - (later[0] ?? 0)).toBeLessThan(1000);
    expect((later[3] ?? 0) - (later[0] ?? 0)).toBeGreaterThan(59_000);
    // People's requests count apart: the captions took none of the scope's two.
    const people = await settle([a.submit(request({ scope })), b.submit(request({ scope }))]);
    expect(people.ok).toBe(2);
    await expect(a.submit(request({ scope }))).rejects.toMatchObject({ code: "rate_limited" });
  });
});
