/**
 * npm run bench:heic — iPhone photos (HEIC). First, how long the image loader takes on each HEIC
 * fixture (decoded by libheif's WebAssembly build and normalised by sharp, in a decoder process at a lower priority) and
 * how much of it kept the main thread busy; then bench:ack's rounds
 * with every BENCH_HEIC_EVERY-th upload a 12 MP HEIC instead of a 640×480 PNG. Downloads and the
 * events' own work wait until a burst has been acknowledged (src/bots/ack-first.ts), so what the
 * HEIC rounds add to an ack is what is left: the decoder's CPU beside the event loop.
 * Goal: ack p99 still under 100 ms.
 */

import { availableParallelism, loadavg } from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { heicDecodeCount } from "../src/images/heic/pool.js";
import { loadImage } from "../src/images/load.js";
import { colourPhoto, fixture } from "../test/helpers/images.js";
import { declareSize, primaryItem } from "../tools/heif-boxes.js";
import { ackTable, discordRounds, EVENTS, ROUNDS, slackRounds, type Upload } from "./ack-rounds.js";
import { size } from "./quick.js";
import { benchRedis, median, table } from "./redis.js";

const RUNS = size("BENCH_RUNS", 5, 1);
const EVERY = Number(process.env.BENCH_HEIC_EVERY ?? 5);
const LIMITS = { maxBytes: 25 * 1024 * 1024, maxPixels: 50_000_000, maxEdge: 4096 };

/**
 * How long `fn` took, and how much of that the main thread was busy (running JavaScript or
 * collecting garbage): the time platform acknowledgements would have had to wait for.
 */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; busyMs: number }> {
  const before = performance.eventLoopUtilization();
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started, busyMs: performance.eventLoopUtilization(before).active };
}

const rows: string[][] = [];
// The first decode also starts the decoder process (and, from source, tsx in it).
const first = await timed(() => loadImage(fixture("heic-landscape.heic"), LIMITS));
rows.push([
  "heic-landscape.heic, first (starts the decoder)",
  "640×428",
  first.ms.toFixed(0),
  first.busyMs.toFixed(1),
]);
for (const file of ["heic-landscape.heic", "heic-portrait.heic", "heic-multi.heic", "heic-12mp.heic"]) {
  const bytes = fixture(file);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timed(() => loadImage(bytes, LIMITS)));
  const img = runs[0]?.value;
  rows.push([
    file,
    `${img?.original.width}×${img?.original.height}`,
    median(runs.map((r) => r.ms)).toFixed(0),
    median(runs.map((r) => r.busyMs)).toFixed(1),
  ]);
}
const landscape = fixture("heic-landscape.heic");
const bomb = declareSize(landscape, primaryItem(landscape), 20_000, 20_000);
const decodesBefore = heicDecodeCount();
const refused = await timed(() => loadImage(bomb, LIMITS).catch((err: Error) => err));
rows.push([
  `20000×20000 declared (refused: ${heicDecodeCount() === decodesBefore ? "not decoded" : "DECODED"})`,
  "—",
  refused.ms.toFixed(1),
  refused.busyMs.toFixed(1),
]);
console.log(
  `bench:heic — the image loader on HEIC (normalised to a 4096 px long edge), median of ${RUNS} runs each; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores\n`,
);
console.log(table([["file", "size", "load ms", "main thread busy ms"], ...rows]));

const redis = await benchRedis();
try {
  const png: Upload = { bytes: await colourPhoto("blue", 640, 480), name: "photo.png", type: "image/png" };
  const heic: Upload = { bytes: fixture("heic-12mp.heic"), name: "IMG_0001.HEIC", type: "image/heic" };
  const mixed = (k: number) => (k % EVERY === 0 ? heic : png);
  const db = new Redis(redis.url);
  // The same rounds without HEIC first, in the same run: the baseline under the same machine load.
  // The event loop's own delay in each phase: an ack slower than it waited on something else.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const delayed = async <T>(run: () => Promise<T>): Promise<{ value: T; p99: number; max: number }> => {
    loop.reset();
    loop.enable();
    const value = await run();
    loop.disable();
    return { value, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
  };
  const plainRun = await delayed(async () => [
    await discordRounds(redis.url, db, () => png),
    await slackRounds(redis.url, db, () => png),
  ]);
  const heicRun = await delayed(async () => [
    await discordRounds(redis.url, db, mixed),
    await slackRounds(redis.url, db, mixed),
  ]);
  const [plain, withHeic] = [plainRun.value, heicRun.value];
  db.disconnect();
  console.log(
    `\nbench:ack, ${EVENTS} concurrent events per round, ${ROUNDS} rounds after a warm-up; first all 640×480 PNGs (the baseline), then every ${EVERY}th a 12 MP HEIC (${(heic.bytes.length / 1e6).toFixed(1)} MB)\n`,
  );
  console.log(
    `640×480 PNGs only (event-loop delay p99 ${plainRun.p99.toFixed(0)} ms, max ${plainRun.max.toFixed(0)} ms):\n${ackTable(plain[0] ?? [], plain[1] ?? [])}\n`,
  );
  console.log(
    `with HEIC mixed in (event-loop delay p99 ${heicRun.p99.toFixed(0)} ms, max ${heicRun.max.toFixed(0)} ms):\n${ackTable(withHeic[0] ?? [], withHeic[1] ?? [])}`,
  );
} finally {
  await redis.stop();
}
