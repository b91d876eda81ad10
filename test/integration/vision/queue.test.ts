import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engine/engine.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { startDeliveryWorker } from "../../../src/queue/delivery-worker.js";
import { createProducer } from "../../../src/queue/producer.js";
import { closeVision } from "../../../src/skills/vision/load.js";
import { recordingAdapter, request, testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { SCENE, sceneImage } from "../../helpers/shapes.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await closeVision();
});

/** An engine on real Redis whose chat model cannot load: the vision tools must not need it. */
async function pipeline() {
  const prefix = uniquePrefix("vision");
  const config = testConfig({
    model: { id: "./no-chat-model-here" },
    tools: {
      detect: { model: await tinyModelDir("grounding-dino") },
      segment: { model: await tinyModelDir("sam") },
      cutout: { model: await tinyModelDir("modnet") },
    },
  });
  const url = redisUrl();
  const engine = await createEngine({ config, secrets: {} });
  const producer = createProducer({ redisUrl: url, prefix, config });
  const adapter = recordingAdapter();
  const worker = startEngineWorker({ redisUrl: url, prefix, config, engine });
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
  const photo = await sceneImage();
  const image = await producer.blobs.put(photo.bytes, { mime: "image/png", width: 480, height: 360 });
  return { producer, adapter, image };
}

describe("the vision commands through the queue", () => {
  it("/detect, /segment and /cutout answer with their images while the chat model cannot load", async () => {
    const p = await pipeline();
    const detect = request({ command: "detect", text: "red square", images: [p.image] });
    const segment = request({ command: "segment", text: "blue circle", images: [p.image] });
    const cutout = request({ command: "cutout", text: "", images: [p.image] });
    for (const r of [detect, segment, cutout]) await p.producer.submit(r);
    await waitFor(() => p.adapter.posted.length === 3, 60_000, "three deliveries");
    const by = (id: string) => p.adapter.posted.find((d) => d.requestId === id);

    expect(by(detect.requestId)).toMatchObject({ status: "ok", text: "1 found: red square." });
    const drawn = by(detect.requestId)?.images[0];
    expect(drawn?.mime).toBe("image/jpeg");

    expect(by(segment.requestId)?.text).toBe("Outlined 1: blue circle.");
    expect(by(segment.requestId)?.images.map((i) => i.filename)).toEqual(["outlined.jpg", "mask-1.png"]);

    const cut = by(cutout.requestId);
    expect(cut?.text).toBe("Cut out the subject on a transparent background.");
    expect(cut?.images[0]?.mime).toBe("image/png");
    const bytes = await p.producer.blobs.get(cut?.images[0]?.key ?? "");
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0);
    const [x0, y0, x1, y1] = SCENE[0]?.box ?? [0, 0, 0, 0];
    expect(data[(((y0 + y1) >> 1) * info.width + ((x0 + x1) >> 1)) * 4 + 3]).toBe(255);
  });
});
