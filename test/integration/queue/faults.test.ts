import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Queue } from "bullmq";
import sharp from "sharp";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engine/engine.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { bullConnection } from "../../../src/queue/connection.js";
import { startDeliveryWorker } from "../../../src/queue/delivery-worker.js";
import { createProducer } from "../../../src/queue/producer.js";
import { subscribeProgress } from "../../../src/queue/progress.js";
import { freePort, startRedisServer } from "../../../src/queue/redis-server.js";
import { colourPhoto, fixture } from "../../helpers/images.js";
import { recordingAdapter, request, testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

let modelDir: string;
beforeAll(async () => {
  modelDir = await tinyModelDir();
});

function spawnEngine(url: string, prefix: string): ChildProcess {
  const child = spawn(process.execPath, [resolve("bin/llava-bot.js"), "engine"], {
    env: {
      ...process.env,
      REDIS_URL: url,
      LLAVA_BOT__REDIS__PREFIX: prefix,
      LLAVA_BOT__MODEL__ID: modelDir,
      LLAVA_BOT__ENGINE__LOCK_DURATION_MS: "2000",
      LLAVA_BOT__ENGINE__STALLED_INTERVAL_MS: "1000",
      LLAVA_BOT__OPS__METRICS_PORT: "null",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
  });
  return child;
}

async function started(child: ChildProcess): Promise<void> {
  let log = "";
  await new Promise<void>((res, rej) => {
    child.stderr?.on("data", (d: Buffer) => {
      log += d.toString();
      if (log.includes("engine started")) res();
    });
    child.once("exit", (code) => rej(new Error(`engine exited early (${code}): ${log}`)));
  });
}

describe("faults survived", () => {
  it("kill -9 of an engine mid-job: another engine finishes it and exactly one delivery is posted", async () => {
    const url = redisUrl();
    const prefix = uniquePrefix("kill");
    const config = testConfig();
    const producer = createProducer({ redisUrl: url, prefix, config });
    const adapter = recordingAdapter();
    const delivery = startDeliveryWorker({ redisUrl: url, prefix, platform: "cli", adapter });
    const running: string[] = [];
    const progress = subscribeProgress({ redisUrl: url, prefix }, (_id, p) => {
      if (p.stage === "running") running.push(p.detail ?? "");
    });
    const redis = newRedis();
    cleanups.push(async () => {
      await progress.close();
      await delivery.close();
      await producer.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    await progress.events.waitUntilReady();

    const first = spawnEngine(url, prefix);
    await started(first);
    // OCR of a page takes long enough to be caught in the middle.
    // A two-by-two tiling of the page: OCR takes long enough that the kill lands mid-job.
    const tile = fixture("ocr-testocr.png");
    const { width = 640, height = 480 } = await sharp(tile).metadata();
    const page = await sharp({
      create: { width: width * 2, height: height * 2, channels: 3, background: "#ffffff" },
    })
      .composite([
        { input: tile, left: 0, top: 0 },
        { input: tile, left: width, top: 0 },
        { input: tile, left: 0, top: height },
        { input: tile, left: width, top: height },
      ])
      .png()
      .toBuffer();
    const image = await producer.blobs.put(page, { mime: "image/png", width: width * 2, height: height * 2 });
    const r = request({ command: "ocr", text: "", images: [image] });
    await producer.submit(r);
    await waitFor(() => running.length > 0, 20_000, "the first engine to start the job");
    first.kill("SIGKILL");
    await new Promise((res) => first.once("exit", res));
    expect(adapter.posted).toHaveLength(0);

    const second = spawnEngine(url, prefix);
    await started(second);
    await waitFor(() => adapter.posted.length > 0, 30_000, "the second engine to finish the job");
    await new Promise((res) => setTimeout(res, 2500));
    expect(adapter.posted).toHaveLength(1);
    expect(adapter.posted[0]?.status).toBe("ok");
    expect(adapter.posted[0]?.text.replace(/\s+/g, " ")).toContain("quick brown dog");
  });

  it("Redis stopped for 20 s and restarted (AOF): no waiting job is lost and the idle worker resumes by itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llava-bot-aof-"));
    const port = await freePort();
    let server = await startRedisServer({ dir, port, appendOnly: true });
    cleanups.push(() => server.stop());
    const url = server.url;
    const prefix = uniquePrefix("aof");
    const config = testConfig({ model: { id: modelDir } });
    const engine = await createEngine({ config, secrets: {} });
    const producer = createProducer({ redisUrl: url, prefix, config });
    const adapter = recordingAdapter();
    const worker = startEngineWorker({ redisUrl: url, prefix, config, engine });
    const delivery = startDeliveryWorker({ redisUrl: url, prefix, platform: "cli", adapter });
    const queue = new Queue("requests", { connection: bullConnection(url, "worker"), prefix });
    queue.on("error", () => undefined);
    cleanups.push(async () => {
      await worker.close(500);
      await delivery.close();
      await producer.close();
      await queue.close();
      await engine.close();
    });
    const image = await producer.blobs.put(await colourPhoto("green"), {
      mime: "image/png",
      width: 160,
      height: 120,
    });

    // Jobs wait (queue paused) while the worker sits idle.
    await queue.pause();
    const waiting = Array.from({ length: 5 }, () => request({ images: [image] }));
    for (const r of waiting) await producer.submit(r);
    await new Promise((res) => setTimeout(res, 1500)); // appendfsync everysec

    await server.stop();
    await new Promise((res) => setTimeout(res, 20_000));
    server = await startRedisServer({ dir, port, appendOnly: true });

    await waitFor(
      async () => {
        try {
          await queue.resume();
          return true;
        } catch {
          return false;
        }
      },
      20_000,
      "Redis to accept commands again",
    );
    await waitFor(() => adapter.posted.length === 5, 30_000, "the waiting jobs to be delivered");
    const after = request({ images: [image] });
    await producer.submit(after);
    await waitFor(() => adapter.posted.length === 6, 20_000, "a job submitted after the restart");
    const ids = adapter.posted.map((d) => d.requestId);
    expect(new Set(ids).size).toBe(6);
    expect(new Set(ids)).toEqual(new Set([...waiting, after].map((r) => r.requestId)));
    expect(adapter.posted.every((d) => d.text === "green")).toBe(true);
  }, 90_000);

  it("1,000 requests in a burst through the tiny model: all delivered, none twice", async () => {
    const url = redisUrl();
    const prefix = uniquePrefix("burst");
    const config = testConfig({
      model: { id: modelDir },
      engine: { concurrency: 8 },
      limits: { perScopeRate: 100_000 },
    });
    const engine = await createEngine({ config, secrets: {} });
    const producer = createProducer({ redisUrl: url, prefix, config });
    const adapter = recordingAdapter();
    const worker = startEngineWorker({ redisUrl: url, prefix, config, engine });
    const delivery = startDeliveryWorker({
      redisUrl: url,
      prefix,
      platform: "cli",
      adapter,
      concurrency: 16,
    });
    const redis = newRedis();
    cleanups.push(async () => {
      await worker.close(1000);
      await delivery.close();
      await producer.close();
      await engine.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    const colours = ["red", "green", "blue", "white", "black"] as const;
    const images = await Promise.all(
      colours.map(async (c) =>
        producer.blobs.put(await colourPhoto(c, 48, 32), { mime: "image/png", width: 48, height: 32 }),
      ),
    );
    const requests = Array.from({ length: 1000 }, (_, i) =>
      request({ images: [images[i % 5] as (typeof images)[number]] }),
    );
    await Promise.all(requests.map((r) => producer.submit(r)));
    await waitFor(() => adapter.posted.length >= 1000, 110_000, "1,000 deliveries");
    await new Promise((res) => setTimeout(res, 1000));
    expect(adapter.posted).toHaveLength(1000);
    expect(new Set(adapter.posted.map((d) => d.requestId)).size).toBe(1000);
    const expected = new Map(requests.map((r, i) => [r.requestId, colours[i % 5]]));
    for (const d of adapter.posted) expect(d.text).toBe(expected.get(d.requestId));
  }, 120_000);
});
