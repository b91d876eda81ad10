import { afterEach, describe, expect, it } from "vitest";
import type { Progress } from "../../../src/core/jobs.js";
import type { LoadProgress, ModelPort } from "../../../src/core/model-port.js";
import { createEngine } from "../../../src/engine/engine.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { startDeliveryWorker } from "../../../src/queue/delivery-worker.js";
import { createProducer } from "../../../src/queue/producer.js";
import { subscribeProgress } from "../../../src/queue/progress.js";
import { colourPhoto, fixture } from "../../helpers/images.js";
import { recordingAdapter, request, testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { tinyModelPort } from "../../helpers/tiny-model.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pipeline(engineModel: { id: string } | { port: ModelPort }) {
  const prefix = uniquePrefix("mw");
  const config = testConfig({
    model: { id: "id" in engineModel ? engineModel.id : "unused" },
    engine: { modelWaitPollMs: 200 },
  });
  const url = redisUrl();
  const engine = await createEngine({
    config,
    secrets: {},
    ...("port" in engineModel ? { model: engineModel.port } : {}),
  });
  const producer = createProducer({ redisUrl: url, prefix, config });
  const adapter = recordingAdapter();
  const worker = startEngineWorker({ redisUrl: url, prefix, config, engine });
  const delivery = startDeliveryWorker({ redisUrl: url, prefix, platform: "cli", adapter });
  const progress: { requestId: string; p: Progress }[] = [];
  const sub = subscribeProgress({ redisUrl: url, prefix }, (requestId, p) => progress.push({ requestId, p }));
  await sub.events.waitUntilReady();
  const redis = newRedis();
  cleanups.push(async () => {
    await sub.close();
    await worker.close(1000);
    await delivery.close();
    await producer.close();
    await engine.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  const put = async (bytes: Buffer) => producer.blobs.put(bytes, { mime: "image/png", width: 1, height: 1 });
  const delivered = (id: string) => adapter.posted.find((d) => d.requestId === id);
  return { engine, producer, adapter, progress, put, delivered };
}

describe("skills that need no model never wait on it", () => {
  it("/ocr and /edit answer through the queue while the engine's model is missing; /describe says why it cannot", async () => {
    const p = await pipeline({ id: "/nonexistent/llava-model" });
    const page = await p.put(fixture("ocr-testocr.png"));
    const photo = await p.put(await colourPhoto("red"));
    const ocr = request({ command: "ocr", text: "", images: [page] });
    const edit = request({ command: "edit", text: "look autumn + crop 1:1", images: [photo] });
    await p.producer.submit(ocr);
    await p.producer.submit(edit);
    await waitFor(
      () => Boolean(p.delivered(ocr.requestId) && p.delivered(edit.requestId)),
      30_000,
      "ocr and edit",
    );
    expect(p.delivered(ocr.requestId)).toMatchObject({
      status: "ok",
      text: expect.stringMatching(/quick brown dog jumped/i),
    });
    expect(p.delivered(edit.requestId)).toMatchObject({ status: "ok" });
    expect(p.delivered(edit.requestId)?.images).toHaveLength(1);

    const describeIt = request({ command: "describe", text: "", images: [photo] });
    await p.producer.submit(describeIt);
    await waitFor(() => Boolean(p.delivered(describeIt.requestId)), 30_000, "describe error");
    expect(p.delivered(describeIt.requestId)).toMatchObject({
      status: "error",
      error: { code: "model_not_found", message: expect.stringMatching(/model is not available/) },
    });
  });

  it("a /describe sent while the model downloads waits in the queue, shows the progress, and is answered once loading finishes; /ocr behind it runs at once", async () => {
    const real = await tinyModelPort();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let loads = 0;
    const slow: ModelPort = {
      id: real.id,
      async load(onProgress?: (p: LoadProgress) => void) {
        loads++;
        onProgress?.({ stage: "download", fraction: 0.43, loadedBytes: 430, totalBytes: 1000 });
        await gate;
        await real.load();
        onProgress?.({ stage: "ready" });
      },
      generate: (r) => real.generate(r),
      dispose: () => real.dispose(),
    };
    const p = await pipeline({ port: slow });
    const blue = await p.put(await colourPhoto("blue"));
    const page = await p.put(fixture("ocr-testocr.png"));
    const describeIt = request({ command: "ask", text: "What colour is it?", images: [blue] });
    await p.producer.submit(describeIt);
    await waitFor(
      () => p.progress.some((e) => e.requestId === describeIt.requestId && e.p.stage === "loading model"),
      10_000,
      "loading progress",
    );
    const shown = p.progress.find(
      (e) => e.requestId === describeIt.requestId && e.p.stage === "loading model",
    );
    expect(shown?.p.detail).toBe("model downloading 43 %");

    const ocr = request({ command: "ocr", text: "", images: [page] });
    await p.producer.submit(ocr);
    await waitFor(() => Boolean(p.delivered(ocr.requestId)), 30_000, "ocr while the model loads");
    expect(p.delivered(describeIt.requestId)).toBeUndefined();

    release();
    await waitFor(() => Boolean(p.delivered(describeIt.requestId)), 30_000, "describe after loading");
    expect(p.delivered(describeIt.requestId)).toMatchObject({ status: "ok", text: "blue" });
    expect(loads).toBe(1);
    expect(p.adapter.posted.filter((d) => d.requestId === describeIt.requestId)).toHaveLength(1);
  });
});
