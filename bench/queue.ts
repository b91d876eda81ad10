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
import { benchRedis, median, percentile, table } from "./redis.js";

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

type Run = { seconds: number; latencies: number[]; cpu: { node: number; redis: number } };

/** CPU time of this process (producer, engines, delivery workers) and of Redis while a burst runs. */
async function cpuMeter(url: string): Promise<{ stop(jobs: number): Promise<Run["cpu"]> }> {
  const info = new Redis(url);
  const redisCpu = async () => {
    const text = await info.info("cpu").catch(() => "");
    const field = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(text)?.[1] ?? Number.NaN);
    return field("used_cpu_user") + field("used_cpu_sys");
  };
  const r0 = await redisCpu();
  const c0 = process.cpuUsage();
  return {
    async stop(jobs) {
      const c = process.cpuUsage(c0);
      const r1 = await redisCpu();
      info.disconnect();
      return { node: (c.user + c.system) / jobs, redis: ((r1 - r0) * 1e6) / jobs };
    },
  };
}

/**
 * A bare BullMQ loop: add → process. With hops = 2, the first worker adds the job to a second
 * queue, as our engine does with deliveries, which shows what two queue hops cost by themselves.
 */
async function bare(url: string, n = N, oneByOne = false, hops = 1): Promise<Run> {
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
  const meter = await cpuMeter(url);
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
  const cpu = await meter.stop(n);
  for (const w of workers) await w.close();
  for (const q of queues) {
    await q.obliterate({ force: true });
    await q.close();
  }
  return { seconds, latencies, cpu };
}

async function ours(url: string, n = N, oneByOne = false): Promise<Run> {
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
  const cpu = await meter.stop(n);
  await engine.close(0);
  await delivery.close();
  await producer.close();
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  return { seconds, latencies, cpu };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const redis = await benchRedis();
try {
  await bare(redis.url, 200); // warm-up: connections, scripts loaded into Redis, JIT
  await ours(redis.url, 200);
  // Rounds alternate between the paths so that a busy neighbour on a shared machine slows all
  // of them alike; each path's median round is reported.
  const rounds: { b: number[]; b2: number[]; o: number[] } = { b: [], b2: [], o: [] };
  const cpu: Record<"b" | "b2" | "o", { node: number; redis: number }[]> = { b: [], b2: [], o: [] };
  for (let k = 0; k < ROUNDS; k++) {
    const b = await bare(redis.url);
    const b2 = await bare(redis.url, N, false, 2);
    const o = await ours(redis.url);
    rounds.b.push(N / b.seconds);
    rounds.b2.push(N / b2.seconds);
    rounds.o.push(N / o.seconds);
    cpu.b.push(b.cpu);
    cpu.b2.push(b2.cpu);
    cpu.o.push(o.cpu);
  }
  const bl = await bare(redis.url, SEQUENTIAL, true);
  const b2l = await bare(redis.url, SEQUENTIAL, true, 2);
  const ol = await ours(redis.url, SEQUENTIAL, true);
  const bareRate = median(rounds.b);
  const bare2Rate = median(rounds.b2);
  const ourRate = median(rounds.o);
  const bareP50 = percentile(bl.latencies, 50);
  const ourP50 = percentile(ol.latencies, 50);
  const cpuCell = (xs: { node: number; redis: number }[]) =>
    `${median(xs.map((x) => x.node)).toFixed(0)} + ${median(xs.map((x) => x.redis)).toFixed(0)}`;
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  console.log(
    `bench:queue — bursts of ${N} jobs at concurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds (median); latency over ${SEQUENTIAL} jobs one at a time; Redis ${redis.url}\n`,
  );
  console.log(
    table([
      ["path", "burst jobs/s", "rounds", "CPU µs/job node + redis", "latency p50 ms", "latency p99 ms"],
      [
        "bare BullMQ add → process",
        bareRate.toFixed(0),
        spread(rounds.b),
        cpuCell(cpu.b),
        bareP50.toFixed(2),
        percentile(bl.latencies, 99).toFixed(2),
      ],
      [
        "bare BullMQ, two hops (reference)",
        bare2Rate.toFixed(0),
        spread(rounds.b2),
        cpuCell(cpu.b2),
        percentile(b2l.latencies, 50).toFixed(2),
        percentile(b2l.latencies, 99).toFixed(2),
      ],
      [
        "llava-bot submit → engine → delivery",
        ourRate.toFixed(0),
        spread(rounds.o),
        cpuCell(cpu.o),
        ourP50.toFixed(2),
        percentile(ol.latencies, 99).toFixed(2),
      ],
    ]),
  );
  console.log(
    `\nthroughput ratio ${(ourRate / bareRate).toFixed(2)}x against one bare hop (goal ≥ 0.8x); ${(ourRate / bare2Rate).toFixed(2)}x against two bare hops; added p50 latency ${(ourP50 - bareP50).toFixed(2)} ms (goal < 5 ms)`,
  );
} finally {
  await redis.stop();
}
process.exit(0);
