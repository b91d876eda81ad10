/**
 * The two paths bench:queue compares, on one Redis: a bare BullMQ add → process loop, and
 * llava-bot's submit → engine → delivery with a no-op model, so what is measured is the queue path.
 */
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { type DeliveryJob, deliveryJobOptions } from "../src/core/jobs.js";
import type { Engine } from "../src/engine/types.js";
import { startEngineWorker } from "../src/engine/worker.js";
import { startDeliveryWorker } from "../src/queue/delivery-worker.js";
import { createProducer } from "../src/queue/producer.js";
import { jobRetention } from "../src/queue/retention.js";
import { testConfig } from "../test/helpers/queue.js";
import { size } from "./quick.js";

export const N = size("BENCH_JOBS", 2000, 50);
export const CONCURRENCY = size("BENCH_CONCURRENCY", 16, 4);
/** Latency is measured one job at a time, so it shows the path's cost rather than queueing in a burst. */
export const SEQUENTIAL = size("BENCH_SEQUENTIAL", 200, 10);

const noopEngine: Engine = {
  model: {
    id: "noop",
    load: async () => {},
    generate: async () => ({ text: "ok", promptTokens: 0, completionTokens: 0, finishReason: "stop" }),
    dispose: async () => {},
  },
  run: async () => ({ text: "ok", images: [] }),
  close: async () => {},
};

export type Run = {
  seconds: number;
  latencies: number[];
  cpu: { node: number; redis: number };
  /** Script calls (EVALSHA/EVAL) per job: BullMQ and we do all hot-path work in scripts, so these are the round trips. */
  scripts: number;
};

/** CPU time of this process (producer, engines, delivery workers) and of Redis while a burst runs. */
async function cpuMeter(
  url: string,
): Promise<{ stop(jobs: number): Promise<Omit<Run, "seconds" | "latencies">> }> {
  const info = new Redis(url);
  const read = async () => {
    const text = await info.info("all").catch(() => "");
    const field = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(text)?.[1] ?? Number.NaN);
    const calls = (cmd: string) => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(text)?.[1] ?? 0);
    return {
      cpu: field("used_cpu_user") + field("used_cpu_sys"),
      scripts: calls("evalsha") + calls("eval"),
    };
  };
  const r0 = await read();
  const c0 = process.cpuUsage();
  return {
    async stop(jobs) {
      const c = process.cpuUsage(c0);
      const r1 = await read();
      info.disconnect();
      return {
        cpu: { node: (c.user + c.system) / jobs, redis: ((r1.cpu - r0.cpu) * 1e6) / jobs },
        // The meter's own INFO calls are not scripts; a shared Redis's other clients would show here.
        scripts: (r1.scripts - r0.scripts) / jobs,
      };
    },
  };
}

/** What our jobs ask of BullMQ: a request's options (priority, retries, kept when done) and payload. */
const defaults = testConfig();

function requestLike(i: number) {
  const { engine, limits } = defaults;
  return {
    data: {
      requestId: `cli:bench-${i}`,
      platform: "cli",
      priority: "interactive",
      command: "describe",
      args: {},
      images: [],
      history: [],
      user: { id: `u${i}` },
      scope: { id: "bench", channelId: "c" },
      reply: {},
      createdAt: Date.now(),
    },
    opts: {
      priority: 1,
      attempts: engine.attempts,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: { age: limits.keepCompleted.ageS, count: limits.keepCompleted.count },
      removeOnFail: { age: limits.keepFailed.ageS, count: limits.keepFailed.count },
    },
  };
}

/** Plain ioredis options, as a BullMQ user would pass them: the bare paths get none of our connection code. */
function plain(url: string, maxRetriesPerRequest: number | null = 1) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port), maxRetriesPerRequest };
}

/**
 * A bare BullMQ loop: add → process. With hops = 2, the first worker adds the job to a second
 * queue, as our engine does with deliveries, which shows what two queue hops cost by themselves.
 * With `like`, the jobs carry our payloads and job options (priority, retries, finished jobs kept
 * and trimmed), which separates what those BullMQ features cost from what our code adds.
 */
export async function bare(url: string, n = N, oneByOne = false, hops = 1, like = false): Promise<Run> {
  const prefix = `bench-bare-${Date.now()}`;
  const queues = Array.from(
    { length: hops },
    (_, k) => new Queue(`bare${k}`, { connection: plain(url), prefix }),
  );
  const sent = new Map<string, number>();
  const resolvers = new Map<string, () => void>();
  const latencies: number[] = [];
  let done = 0;
  let finish: () => void = () => {};
  const all = new Promise<void>((r) => {
    finish = r;
  });
  const workers = queues.map(
    (_, k) =>
      new Worker(
        `bare${k}`,
        async (job) => {
          const next = queues[k + 1];
          if (next) {
            const opts = like ? deliveryJobOptions(jobRetention(testConfig())) : { removeOnComplete: true };
            await next.add("job", job.data, { jobId: job.id ?? "", ...opts });
            return like ? { deliveredTo: "deliveries:cli" } : "ok";
          }
          latencies.push(performance.now() - (sent.get(job.id ?? "") ?? 0));
          if (++done === n) finish();
          resolvers.get(job.id ?? "")?.();
          return "ok";
        },
        { connection: plain(url, null), prefix, concurrency: CONCURRENCY },
      ),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const first = queues[0] as Queue;
  const meter = await cpuMeter(url);
  const t0 = performance.now();
  const one = async (i: number) => {
    const id = `j${i}`;
    const processed = new Promise<void>((r) => resolvers.set(id, r));
    sent.set(id, performance.now());
    if (like) {
      const r = requestLike(i);
      await first.add("job", r.data, { jobId: id, ...r.opts });
    } else await first.add("job", { i }, { jobId: id, removeOnComplete: true });
    return processed;
  };
  if (oneByOne) for (let i = 0; i < n; i++) await one(i);
  else await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  await all;
  const seconds = (performance.now() - t0) / 1000;
  const { cpu, scripts } = await meter.stop(n);
  for (const w of workers) await w.close();
  for (const q of queues) {
    await q.obliterate({ force: true });
    await q.close();
  }
  return { seconds, latencies, cpu, scripts };
}

export async function ours(url: string, n = N, oneByOne = false): Promise<Run> {
  const prefix = `bench-ours-${Date.now()}`;
  // Production lock timings, not the tests' short ones (those renew locks and look for stalled
  // jobs every second).
  const config = testConfig({
    engine: { concurrency: CONCURRENCY, lockDurationMs: 30_000, stalledIntervalMs: 30_000 },
    limits: { perScopeRate: 1_000_000, perUserInFlight: 1_000_000 },
  });
  const producer = createProducer({ redisUrl: url, prefix, config });
  const sent = new Map<string, number>();
  const resolvers = new Map<string, () => void>();
  const latencies: number[] = [];
  let finish: () => void = () => {};
  const all = new Promise<void>((r) => {
    finish = r;
  });
  const adapter = {
    async post(d: DeliveryJob) {
      latencies.push(performance.now() - (sent.get(d.requestId) ?? 0));
      if (latencies.length === n) finish();
      resolvers.get(d.requestId)?.();
      return { postedAt: Date.now(), messageIds: [] };
    },
  };
  const engine = startEngineWorker({ redisUrl: url, prefix, config, engine: noopEngine });
  const delivery = startDeliveryWorker({
    redisUrl: url,
    prefix,
    platform: "cli",
    adapter,
    concurrency: CONCURRENCY,
  });
  await Promise.all([engine.worker.waitUntilReady(), delivery.worker.waitUntilReady()]);
  const meter = await cpuMeter(url);
  const t0 = performance.now();
  const one = async (i: number) => {
    const requestId = `cli:bench-${i}`;
    const delivered = new Promise<void>((r) => resolvers.set(requestId, r));
    sent.set(requestId, performance.now());
    await producer.submit({
      requestId,
      platform: "cli",
      priority: "interactive",
      command: "describe",
      user: { id: `u${i}` },
      scope: { id: "bench", channelId: "c" },
      createdAt: Date.now(),
    });
    return delivered;
  };
  if (oneByOne) for (let i = 0; i < n; i++) await one(i);
  else await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  await all;
  const seconds = (performance.now() - t0) / 1000;
  const { cpu, scripts } = await meter.stop(n);
  await engine.close(0);
  await delivery.close();
  await producer.close();
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  return { seconds, latencies, cpu, scripts };
}
