import { afterEach, describe, it } from "vitest";
import { createEngine } from "../../../src/engine/engine.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { startDeliveryWorker } from "../../../src/queue/delivery-worker.js";
import { jobIdFor, jobKey } from "../../../src/queue/names.js";
import { createProducer } from "../../../src/queue/producer.js";
import { colourPhoto } from "../../helpers/images.js";
import { recordingAdapter, request, testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("finished jobs stay as long as configured, deliveries included", () => {
  it("a delivery is removed with its request once limits.keepCompleted.ageS has passed", async () => {
    const prefix = uniquePrefix("keep");
    const config = testConfig({
      model: { id: await tinyModelDir() },
      limits: { keepCompleted: { ageS: 1 } },
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
