import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { bullConnection } from "../../../src/queue/connection.js";
import { createLimits } from "../../../src/queue/limits.js";
import { deliveredKey, jobIdFor, seenKey } from "../../../src/queue/names.js";
import { createProducer } from "../../../src/queue/producer.js";
import { request, testConfig } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(limits: Record<string, unknown> = {}) {
  const prefix = uniquePrefix("adm");
  const config = testConfig({ limits: { perScopeRate: 1000, ...limits } });
  const producer = createProducer({ redisUrl: redisUrl(), prefix, config });
  const requests = new Queue("requests", { connection: bullConnection(redisUrl(), "queue"), prefix });
  const redis = newRedis();
  cleanups.push(async () => {
    await producer.close();
    await requests.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  return { prefix, producer, requests, redis };
}

describe("admission in one round trip", () => {
  it("an event is a duplicate while any trace of it is left: pending mark, job, delivered mark", async () => {
    const { prefix, producer, requests, redis } = setup();
    const r = request();
    expect(await producer.submit(r)).toMatchObject({ duplicate: false, position: 1 });
    // The pending mark lapsed (it lives a minute): the waiting job still makes it a duplicate.
    await redis.del(seenKey(prefix, r.requestId));
    expect(await producer.submit(r)).toMatchObject({ duplicate: true, position: 1 });
    // The job was trimmed after finishing: the delivered mark still does.
    await (await requests.getJob(jobIdFor(r.requestId)))?.remove();
    await redis.set(deliveredKey(prefix, r.platform, r.requestId), "done");
    expect(await producer.submit(r)).toMatchObject({ duplicate: true, position: 0 });
    // Nothing left at all: a new request (a week later, say) is admitted again.
    await redis.del(deliveredKey(prefix, r.platform, r.requestId));
    expect(await producer.submit(r)).toMatchObject({ duplicate: false });
  });

  it("a duplicate counts toward no limit", async () => {
    const { producer } = setup({ perUserInFlight: 1 });
    const r = request({ user: { id: "once" } });
    await producer.submit(r);
    for (let i = 0; i < 3; i++) expect(await producer.submit(r)).toMatchObject({ duplicate: true });
    await expect(producer.submit(request({ user: { id: "once" } }))).rejects.toMatchObject({
      code: "too_many_in_flight",
    });
  });

  it("positions count waiting requests of the same or a more urgent priority", async () => {
    const { producer } = setup();
    const bg = await producer.submit(request({ priority: "background", command: "caption" }));
    const fg1 = await producer.submit(request());
    const fg2 = await producer.submit(request());
    const bg2 = await producer.submit(request({ priority: "background", command: "caption" }));
    expect([bg.position, fg1.position, fg2.position, bg2.position]).toEqual([1, 1, 2, 4]);
    expect(await producer.position(fg2.jobId.replace(/%3A/g, ":"))).toBe(2);
  });

  it("requests submitted in the same turn share one admission call, decided as if one by one", async () => {
    const { producer } = setup({ perUserInFlight: 2 });
    const user = { id: "bursty" };
    const copy = request({ user: { id: "other" } });
    const outcomes = await Promise.allSettled([
      producer.submit(request({ user })),
      producer.submit(copy),
      producer.submit(request({ user })),
      producer.submit({ ...copy }), // the platform's retry of the same event, in the same burst
      producer.submit(request({ user })),
      producer.submit(request({ priority: "background", command: "caption" })),
    ]);
    const [a, first, b, again, c, bg] = outcomes.map((o) => (o.status === "fulfilled" ? o.value : o.reason));
    // Order within the burst holds: the user's first two are admitted, the third is over the limit.
    expect([a.position, first.position, b.position]).toEqual([1, 2, 3]);
    expect(c).toMatchObject({ code: "too_many_in_flight" });
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true });
    // Background waits behind every interactive request admitted before it.
    expect(bg.position).toBe(4);
  });

  it("an admission whose job could not be added gives back the slot, the rate count and the mark", async () => {
    const prefix = uniquePrefix("unadm");
    const redis = newRedis();
    cleanups.push(async () => {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    const limits = createLimits(redis, {
      prefix,
      perUserInFlight: 1,
      perScopeRate: 1,
      perScopeWindowS: 60,
      backgroundRate: 30,
      slotTtlMs: 60_000,
    });
    const subject = { requestId: "cli:x", platform: "cli", userId: "u", scopeId: "s", background: false };
    const keys = {
      pending: seenKey(prefix, "cli:x"),
      traces: [],
      prioritized: `${prefix}:requests:prioritized`,
      jobId: "cli%3Ax",
      maxScore: 2 * 2 ** 32 - 1,
    };
    const admission = await limits.admit(subject, keys);
    expect(admission).toMatchObject({ status: "admitted", counted: true });
    const other = { ...keys, pending: seenKey(prefix, "cli:y"), jobId: "cli%3Ay" };
    await expect(limits.admit({ ...subject, requestId: "cli:y" }, other)).rejects.toMatchObject({
      code: "too_many_in_flight",
    });
    await limits.unadmit(subject, keys.pending, admission);
    expect(await redis.exists(keys.pending)).toBe(0);
    // Slot and rate are free again: another request is admitted, and counted.
    await expect(limits.admit({ ...subject, requestId: "cli:y" }, other)).resolves.toMatchObject({
      status: "admitted",
      counted: true,
    });
  });

  /** Limits of one slot and one request a minute, on their own prefix. */
  function oneSlot() {
    const prefix = uniquePrefix("slot");
    const redis = newRedis();
    cleanups.push(async () => {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    const limits = createLimits(redis, {
      prefix,
      perUserInFlight: 1,
      perScopeRate: 1,
      perScopeWindowS: 60,
      backgroundRate: 30,
      slotTtlMs: 60_000,
    });
    const subject = (id: string) => ({
      requestId: id,
      platform: "cli",
      userId: "u",
      scopeId: "s",
      background: false,
    });
    const keys = (id: string, traces: string[] = []) => ({
      pending: seenKey(prefix, id),
      traces,
      prioritized: `${prefix}:requests:prioritized`,
      jobId: jobIdFor(id),
      maxScore: 2 * 2 ** 32 - 1,
    });
    const rateKey = (at: number) => `${prefix}:rate:cli:s:${Math.floor(at / 1000 / 60)}`;
    return { prefix, redis, limits, subject, keys, rateKey };
  }

  it("a request that still holds its slot is admitted again without counting; undoing that gives nothing back", async () => {
    const t = oneSlot();
    await t.limits.admit(t.subject("cli:a"), t.keys("cli:a"));
    await t.redis.del(seenKey(t.prefix, "cli:a")); // the pending mark lapsed; the job was never added
    const again = await t.limits.admit(t.subject("cli:a"), t.keys("cli:a"));
    expect(again).toMatchObject({ status: "admitted", counted: false });
    await t.limits.unadmit(t.subject("cli:a"), seenKey(t.prefix, "cli:a"), again);
    // The first admission still holds the slot.
    await expect(t.limits.admit(t.subject("cli:b"), t.keys("cli:b"))).rejects.toMatchObject({
      code: "too_many_in_flight",
    });
  });

  it("undoing a duplicate gives back nothing of the request it copies", async () => {
    const t = oneSlot();
    await t.limits.admit(t.subject("cli:a"), t.keys("cli:a"));
    const seen = await t.limits.admit(t.subject("cli:a"), t.keys("cli:a", [seenKey(t.prefix, "cli:a")]));
    expect(seen).toMatchObject({ status: "seen", counted: false });
    await t.limits.unadmit(t.subject("cli:a"), `${t.prefix}:unused`, seen);
    await expect(t.limits.admit(t.subject("cli:b"), t.keys("cli:b"))).rejects.toMatchObject({
      code: "too_many_in_flight",
    });
  });

  it("an admission is undone in the rate window it was counted in", async () => {
    const t = oneSlot();
    const now = Date.now();
    const earlier = now - 120_000;
    await t.redis.set(t.rateKey(earlier), "1");
    const admission = await t.limits.admit(t.subject("cli:a"), t.keys("cli:a"));
    await t.limits.unadmit(t.subject("cli:a"), seenKey(t.prefix, "cli:a"), { ...admission, at: earlier });
    expect(await t.redis.get(t.rateKey(earlier))).toBe("0");
    expect(await t.redis.get(t.rateKey(admission.at ?? now))).toBe("1");
  });

  it("past the rate, the refusal says how long to wait, as the window's time left", async () => {
    const t = oneSlot();
    await t.limits.admit({ ...t.subject("cli:a"), userId: "u1" }, t.keys("cli:a"));
    const refused = await t.limits
      .admit({ ...t.subject("cli:b"), userId: "u2" }, t.keys("cli:b"))
      .catch((e) => e);
    expect(refused).toMatchObject({ code: "rate_limited" });
    const wait = (refused as { retryAfterS: number }).retryAfterS;
    expect(wait).toBeGreaterThan(50);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.message).toBe(
      `This machine is sending a lot of requests right now. Please try again in ${wait} s.`,
    );
  });
});
