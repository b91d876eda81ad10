/**
 * npm run bench:heic — iPhone photos (HEIC). First, how long the image loader takes on each HEIC
 * fixture (decoded by libheif's WebAssembly build on a worker thread, then resized and re-encoded
 * by sharp) and how long the main thread's event loop was held meanwhile; then bench:ack's rounds
 * with every BENCH_HEIC_EVERY-th upload a 12 MP HEIC instead of a 640×480 PNG.
 * Goal: ack p99 still under 100 ms.
 */
import { Redis } from "ioredis";
import { heicDecodeCount } from "../src/images/heic/pool.js";
import { loadImage } from "../src/images/load.js";
import { colourPhoto, fixture } from "../test/helpers/images.js";
import { declareSize, primaryItem } from "../test/tools/heif-boxes.js";
import { ackTable, discordRounds, EVENTS, ROUNDS, slackRounds, type Upload } from "./ack-rounds.js";
import { benchRedis, median, table } from "./redis.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const EVERY = Number(process.env.BENCH_HEIC_EVERY ?? 5);
const LIMITS = { maxBytes: 25 * 1024 * 1024, maxPixels: 50_000_000, maxEdge: 4096 };

/** The longest the event loop went without running a 1 ms timer while `fn` ran. */
async function heldFor<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; heldMs: number }> {
  let last = performance.now();
  let held = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    held = Math.max(held, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - started, heldMs: Math.max(held, performance.now() - last) };
  } finally {
    clearInterval(tick);
  }
}

const rows: string[][] = [];
// The first decode also starts the decoding thread (and, from source, tsx in it).
const first = await heldFor(() => loadImage(fixture("heic-landscape.heic"), LIMITS));
rows.push([
  "heic-landscape.heic, first (starts the thread)",
  "640×428",
  first.ms.toFixed(0),
  first.heldMs.toFixed(1),
]);
for (const file of ["heic-landscape.heic", "heic-portrait.heic", "heic-multi.heic", "heic-12mp.heic"]) {
  const bytes = fixture(file);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await heldFor(() => loadImage(bytes, LIMITS)));
  const img = runs[0]?.value;
  rows.push([
    file,
    `${img?.original.width}×${img?.original.height}`,
    median(runs.map((r) => r.ms)).toFixed(0),
    Math.max(...runs.map((r) => r.heldMs)).toFixed(1),
  ]);
}
const landscape = fixture("heic-landscape.heic");
const bomb = declareSize(landscape, primaryItem(landscape), 20_000, 20_000);
const decodesBefore = heicDecodeCount();
const refused = await heldFor(() => loadImage(bomb, LIMITS).catch((err: Error) => err));
rows.push([
  `20000×20000 declared (refused: ${heicDecodeCount() === decodesBefore ? "not decoded" : "DECODED"})`,
  "—",
  refused.ms.toFixed(1),
  refused.heldMs.toFixed(1),
]);
console.log(
  `bench:heic — the image loader on HEIC, median of ${RUNS} runs each (max event-loop hold of all runs)\n`,
);
console.log(table([["file", "size", "load ms", "event loop held ms"], ...rows]));

const redis = await benchRedis();
try {
  const png: Upload = { bytes: await colourPhoto("blue", 640, 480), name: "photo.png", type: "image/png" };
  const heic: Upload = { bytes: fixture("heic-12mp.heic"), name: "IMG_0001.HEIC", type: "image/heic" };
  const mixed = (k: number) => (k % EVERY === 0 ? heic : png);
  const db = new Redis(redis.url);
  // The same rounds without HEIC first, in the same run: the baseline under the same machine load.
  const plain = [await discordRounds(redis.url, db, () => png), await slackRounds(redis.url, db, () => png)];
  const withHeic = [await discordRounds(redis.url, db, mixed), await slackRounds(redis.url, db, mixed)];
  db.disconnect();
  console.log(
    `\nbench:ack, ${EVENTS} concurrent events per round, ${ROUNDS} rounds after a warm-up; first all 640×480 PNGs (the baseline), then every ${EVERY}th a 12 MP HEIC (${(heic.bytes.length / 1e6).toFixed(1)} MB)\n`,
  );
  console.log(`640×480 PNGs only:\n${ackTable(plain[0] ?? [], plain[1] ?? [])}\n`);
  console.log(`with HEIC mixed in:\n${ackTable(withHeic[0] ?? [], withHeic[1] ?? [])}`);
} finally {
  await redis.stop();
}
process.exit(0);
