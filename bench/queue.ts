/**
 * npm run bench:queue — our submit → engine → delivery path against a bare BullMQ add/process
 * loop on the same Redis, in the same run. No-op model, so what is measured is the queue path.
 */
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Engine } from "../src/engine/types.js";
import { startEngineWorker } from "../src/engine/worker.js";
import { bullConnection } from "../src/queue/connection.js";
import { startDeliveryWorker } from "../src/queue/delivery-worker.js";
import type { DeliveryJob } from "../src/queue/jobs.js";
import { createProducer } from "../src/queue/producer.js";
import { testConfig } from "../test/helpers/queue.js";
import { benchRedis, percentile, table } from "./redis.js";

const N = Number(process.env.BENCH_JOBS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Latency is measured one job at a time, so it shows the path's cost rather than queueing in a burst. */
const SEQUENTIAL = 200;

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

/**
 * A bare BullMQ loop: add → process. With hops = 2, the first worker adds the job to a second
 * queue, as our engine does with deliveries, which shows what two queue hops cost by themselves.
 */
async function bare(
  url: string,
  n = N,
  oneByOne = false,
  hops = 1,
): Promise<{ seconds: number; latencies: number[] }> {
  const prefix = `bench-bare-${Date.now()}`;
  const queues = Array.from(
    { length: hops },
    (_, k) => new Queue(`bare${k}`, { connection: bullConnection(url, "queue"), prefix }),
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
            await next.add("job", job.data, { jobId: job.id ?? "", removeOnComplete: true });
            return "ok";
          }
          latencies.push(performance.now() - (sent.get(job.id ?? "") ?? 0));
          if (++done === n) finish();
          resolvers.get(job.id ?? "")?.();
          return "ok";
        },
        { connection: bullConnection(url, "worker"), prefix, concurrency: CONCURRENCY },
      ),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const first = queues[0] as Queue;
  const t0 = performance.now();
  const one = async (i: number) => {
    const id = `j${i}`;
    const processed = new Promise<void>((r) => resolvers.set(id, r));
    sent.set(id, performance.now());
    await first.add("job", { i }, { jobId: id, removeOnComplete: true });
    return processed;
  };
  if (oneByOne) for (let i = 0; i < n; i++) await one(i);
  else await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  await all;
  const seconds = (performance.now() - t0) / 1000;
  for (const w of workers) await w.close();
  for (const q of queues) {
    await q.obliterate({ force: true });
    await q.close();
  }
  return { seconds, latencies };
}

async function ours(url: string, n = N, oneByOne = false): Promise<{ seconds: number; latencies: number[] }> {
  const prefix = `bench-ours-${Date.now()}`;
  const config = testConfig({
    engine: { concurrency: CONCURRENCY },
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
  await engine.close(0);
  await delivery.close();
  await producer.close();
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  return { seconds, latencies };
}

const redis = await benchRedis();
try {
  await bare(redis.url, 200); // warm-up: connections, scripts loaded into Redis
  const b = await bare(redis.url);
  const b2 = await bare(redis.url, N, false, 2);
  const o = await ours(redis.url);
  const bl = await bare(redis.url, SEQUENTIAL, true);
  const b2l = await bare(redis.url, SEQUENTIAL, true, 2);
  const ol = await ours(redis.url, SEQUENTIAL, true);
  const bareRate = N / b.seconds;
  const ourRate = N / o.seconds;
  const bareP50 = percentile(bl.latencies, 50);
  const ourP50 = percentile(ol.latencies, 50);
  console.log(
    `bench:queue — burst of ${N} jobs at concurrency ${CONCURRENCY}; latency over ${SEQUENTIAL} jobs one at a time; Redis ${redis.url}\n`,
  );
  console.log(
    table([
      ["path", "burst jobs/s", "latency p50 ms", "latency p99 ms"],
      [
        "bare BullMQ add → process",
        bareRate.toFixed(0),
        bareP50.toFixed(2),
        percentile(bl.latencies, 99).toFixed(2),
      ],
      [
        "bare BullMQ, two hops (reference)",
        (N / b2.seconds).toFixed(0),
        percentile(b2l.latencies, 50).toFixed(2),
        percentile(b2l.latencies, 99).toFixed(2),
      ],
      [
        "llava-bot submit → engine → delivery",
        ourRate.toFixed(0),
        ourP50.toFixed(2),
        percentile(ol.latencies, 99).toFixed(2),
      ],
    ]),
  );
  console.log(
    `\nthroughput ratio ${(ourRate / bareRate).toFixed(2)}x (goal ≥ 0.8x); added p50 latency ${(ourP50 - bareP50).toFixed(2)} ms (goal < 5 ms)`,
  );
} finally {
  await redis.stop();
}
process.exit(0);
