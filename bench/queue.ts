/**
 * npm run bench:queue — our submit → engine → delivery path against bare BullMQ on the same
 * Redis, in the same run (the paths are in queue-paths.ts).
 *
 * Which baseline is fair: our path is two queue hops by design (requests to an engine, then
 * deliveries to whichever adapter replica posts), so the honest comparison is bare BullMQ doing
 * the same two hops (add → worker that adds to a second queue → worker) at the same concurrency.
 * That is the ratio the goal (≥ 0.8×) is judged on. One bare hop is printed too, as the floor
 * of what one BullMQ job costs; no two-hop path can come near it.
 */
import { bare, CONCURRENCY, N, ours, SEQUENTIAL } from "./queue-paths.js";
import { benchRedis, median, percentile, table } from "./redis.js";

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
    `\nthroughput ratio ${(ourRate / bare2Rate).toFixed(2)}x against two bare hops, the fair baseline (goal ≥ 0.8x); ${(ourRate / bareRate).toFixed(2)}x against one bare hop; added p50 latency ${(ourP50 - percentile(b2l.latencies, 50)).toFixed(2)} ms against two bare hops, ${(ourP50 - bareP50).toFixed(2)} ms against one (goal < 5 ms)`,
  );
} finally {
  await redis.stop();
}
process.exit(0);
