import { Queue } from "bullmq";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engine/engine.js";
import { createMetrics } from "../../../src/engine/ops/metrics.js";
import { serveOps } from "../../../src/engine/ops/server.js";
import type { Engine } from "../../../src/engine/types.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { bullConnection } from "../../../src/queue/connection.js";
import { startDeliveryWorker } from "../../../src/queue/delivery-worker.js";
import { jobIdFor, jobKey } from "../../../src/queue/names.js";
import { createProducer, type Producer } from "../../../src/queue/producer.js";
import { subscribeProgress } from "../../../src/queue/progress.js";
import { colourPhoto } from "../../helpers/images.js";
import { recordingAdapter, request, testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let modelDir: string;
beforeAll(async () => {
  modelDir = await tinyModelDir();
});

async function pipeline(configOverrides: Record<string, unknown> = {}) {
  const prefix = uniquePrefix("q");
  const config = testConfig({ model: { id: modelDir }, ...configOverrides });
  const url = redisUrl();
  const engine: Engine = await createEngine({ config, secrets: {} });
  const producer: Producer = createProducer({ redisUrl: url, prefix, config });
  const adapter = recordingAdapter();
  // Each attempt's outcome, in order: a retry shows as "retry" before the last one.
  const outcomes: string[] = [];
  const worker = startEngineWorker({
    redisUrl: url,
    prefix,
    config,
    engine,
    onJobDone: ({ outcome }) => outcomes.push(outcome),
  });
  const delivery = startDeliveryWorker({ redisUrl: url, prefix, platform: "cli", adapter });
  const redis = newRedis();
  cleanups.push(async () => {
    await worker.close(1000);
    await delivery.close();
    await producer.close();
    await engine.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  return { prefix, config, engine, producer, adapter, worker, delivery, redis, url, outcomes };
}

describe("requests → engine → deliveries on real Redis", () => {
  it("answers a request with the tiny model and reports progress stages", async () => {
    const p = await pipeline();
    const stages: string[] = [];
    const sub = subscribeProgress({ redisUrl: p.url, prefix: p.prefix }, (_id, progress) =>
      stages.push(progress.stage),
    );
    cleanups.push(() => sub.close());
    await sub.events.waitUntilReady();
    const image = await p.producer.blobs.put(await colourPhoto("blue"), {
      mime: "image/png",
      width: 160,
      height: 120,
    });
    const r = request({ images: [image] });
    const submitted = await p.producer.submit(r);
    expect(submitted.duplicate).toBe(false);
    await waitFor(() => p.adapter.posted.length === 1, 20_000, "delivery");
    expect(p.adapter.posted[0]).toMatchObject({
      requestId: r.requestId,
      status: "ok",
      text: "blue",
      command: "ask",
    });
    await waitFor(() => stages.includes("thinking"), 5000, "progress");
    expect(stages).toContain("running");
  });

  it("a request submitted twice with the same event id makes one job and one delivery", async () => {
    const p = await pipeline();
    const image = await p.producer.blobs.put(await colourPhoto("red"), {
      mime: "image/png",
      width: 160,
      height: 120,
    });
    const r = request({ images: [image] });
    const [a, b] = await Promise.all([p.producer.submit(r), p.producer.submit(r)]);
    const c = await p.producer.submit(r);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(c.duplicate).toBe(true);
    await waitFor(() => p.adapter.posted.length >= 1, 20_000, "delivery");
    await new Promise((res) => setTimeout(res, 1500));
    expect(p.adapter.posted).toHaveLength(1);
    expect(p.adapter.posted[0]?.text).toBe("red");
    const q = new Queue("requests", { connection: bullConnection(p.url, "queue"), prefix: p.prefix });
    cleanups.push(() => q.close());
    const counts = await q.getJobCounts("completed", "wait", "prioritized", "active", "failed");
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(1);
  });

  it("interactive requests get ahead of background ones, and the position says so", async () => {
    const prefix = uniquePrefix("pos");
    const config = testConfig({ limits: { perScopeRate: 1000 } });
    const producer = createProducer({ redisUrl: redisUrl(), prefix, config });
    const redis = newRedis();
    cleanups.push(async () => {
      await producer.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    const bg1 = await producer.submit(request({ priority: "background", command: "caption" }));
    const bg2 = await producer.submit(request({ priority: "background", command: "caption" }));
    const fg = await producer.submit(request({ priority: "interactive" }));
    expect([bg1.position, bg2.position]).toEqual([1, 2]);
    expect(fg.position).toBe(1);
  });

  it("an expired blob gives the user a clear 'please upload again', not a crash", async () => {
    const p = await pipeline();
    const r = request({
      images: [{ key: `blob-${"0".repeat(40)}`, mime: "image/png", width: 10, height: 10, bytes: 100 }],
    });
    await p.producer.submit(r);
    await waitFor(() => p.adapter.posted.length === 1, 20_000, "error delivery");
    expect(p.adapter.posted[0]).toMatchObject({ status: "error", error: { code: "blob_expired" } });
    expect(p.adapter.posted[0]?.error?.message).toMatch(/upload it again/);
  });

  it("a blob over the size limit is refused with a clear error", async () => {
    const p = await pipeline({ limits: { maxImageBytes: 2048 } });
    await expect(
      p.producer.blobs.put(Buffer.alloc(4096), { mime: "image/png", width: 1, height: 1 }),
    ).rejects.toMatchObject({
      code: "image_too_large",
      message: expect.stringMatching(/limit is 0 MB|limit is/),
    });
  });

  it("a user-caused failure is delivered as a friendly error without retries", async () => {
    const p = await pipeline();
    await p.producer.submit(request({ images: [] }));
    await waitFor(() => p.adapter.posted.length === 1, 20_000, "error delivery");
    expect(p.adapter.posted[0]).toMatchObject({ status: "error", error: { code: "no_image" } });
    // One attempt: the engine is configured to retry, and does not for this.
    expect(p.config.engine.attempts).toBeGreaterThan(1);
    await waitFor(() => p.outcomes.length > 0, 5000, "the attempt's outcome");
    expect(p.outcomes).toEqual(["user_error"]);
  });

  it("exposes queue depth, durations and failures on /metrics, /healthz, and a password-protected dashboard", async () => {
    const p = await pipeline();
    const q = new Queue("requests", { connection: bullConnection(p.url, "queue"), prefix: p.prefix });
    const metrics = createMetrics([q]);
    metrics.observe({ command: "ask", ms: 120, outcome: "ok" });
    metrics.observe({ command: "ask", ms: 80, outcome: "user_error" });
    const server = await serveOps(metrics, {
      host: "127.0.0.1",
      port: 0,
      healthy: () => true,
      queues: [q],
      dashboardPassword: "s3cret-pass",
    });
    cleanups.push(async () => {
      await server.close();
      await q.close();
    });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/llava_bot_queue_jobs\{queue="requests",state="wait"\} 0/);
    expect(text).toMatch(/llava_bot_job_duration_seconds_count\{command="ask",outcome="ok"\} 1/);
    expect(text).toMatch(/llava_bot_job_failures_total\{command="ask",outcome="user_error"\} 1/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // The dashboard needs the password.
    expect((await fetch(`${server.url}/queues`)).status).toBe(401);
    const wrong = `Basic ${Buffer.from("admin:nope").toString("base64")}`;
    expect((await fetch(`${server.url}/queues`, { headers: { authorization: wrong } })).status).toBe(401);
    const right = `Basic ${Buffer.from("admin:s3cret-pass").toString("base64")}`;
    const page = await fetch(`${server.url}/queues`, { headers: { authorization: right } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const api = await fetch(`${server.url}/queues/api/queues`, { headers: { authorization: right } });
    expect(JSON.stringify(await api.json())).toContain("requests");
  });
});

describe("finished jobs stay as long as configured, deliveries included", () => {
  it("a delivery is removed with its request once limits.keepCompleted.ageS has passed", async () => {
    const { producer, adapter, redis, prefix } = await pipeline({ limits: { keepCompleted: { ageS: 1 } } });
    const ask = async (colour: "red" | "blue") => {
      const image = await producer.blobs.put(await colourPhoto(colour), {
        mime: "image/png",
        width: 160,
        height: 120,
      });
      const r = request({ images: [image] });
      await producer.submit(r);
      await waitFor(
        () => adapter.posted.some((d) => d.requestId === r.requestId),
        20_000,
        `the ${colour} answer`,
      );
      return r.requestId;
    };
    const exists = (name: "requests" | "deliveries:cli", id: string) =>
      redis.exists(jobKey(prefix, name, jobIdFor(id))).then((n) => n === 1);

    const first = await ask("red");
    await waitFor(
      async () => await exists("deliveries:cli", first),
      5000,
      "the delivery kept after it completed",
    );
    // BullMQ removes aged jobs of a queue when its next job completes.
    await new Promise((r) => setTimeout(r, 1500));
    await ask("blue");
    await waitFor(
      async () => !(await exists("requests", first)) && !(await exists("deliveries:cli", first)),
      10_000,
      "the first request and its delivery removed",
    );
  });
});
