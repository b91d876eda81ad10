import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWeb } from "../../../src/bots/web/index.js";
import { createEngine } from "../../../src/engine/engine.js";
import type { Engine } from "../../../src/engine/types.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { SCENE, sceneImage } from "../../helpers/shapes.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";
import { type WebClient, type WebEventJson, webClient } from "../../helpers/web-client.js";

// /detect and /cutout typed in the playground, over real HTTP: the queue, the engine with the
// generated vision test models, and the delivered images served back to the session.
const prefix = uniquePrefix("web-vision");
const redis = newRedis();
let web: Awaited<ReturnType<typeof startWeb>>;
let engine: Engine;
let worker: ReturnType<typeof startEngineWorker>;
let client: WebClient;
let events: Awaited<ReturnType<WebClient["events"]>>;

beforeAll(async () => {
  const config = testConfig({
    redis: { prefix },
    web: { port: 0, host: "127.0.0.1" },
    tools: {
      detect: { model: await tinyModelDir("grounding-dino") },
      segment: { model: await tinyModelDir("sam") },
      cutout: { model: await tinyModelDir("modnet") },
    },
  });
  web = await startWeb({ config, secrets: {}, redisUrl: redisUrl() });
  engine = await createEngine({ config, secrets: {}, model: scriptedModel(["unused"]) });
  worker = startEngineWorker({ redisUrl: redisUrl(), prefix, config, engine });
  client = await webClient(web.url);
  events = await client.events();
}, 60_000);

afterAll(async () => {
  events?.close();
  await web?.close();
  await worker?.close(500);
  await engine?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

type Delivered = WebEventJson & { delivery: { text: string; images: { key: string; mime: string }[] } };

async function ask(message: string) {
  const sent = await client.send(message, (await sceneImage(SCENE, { format: "jpeg" })).bytes);
  expect(sent.status).toBeLessThan(300);
  const id = String(sent.json.requestId);
  const delivered = () =>
    events.events.find((e): e is Delivered => e.type === "delivery" && e.delivery?.requestId === id);
  await waitFor(() => Boolean(delivered()), 60_000, message);
  return delivered()?.delivery;
}

describe("the playground's /detect and /cutout", () => {
  it("/detect blue circle answers with the sentence and the drawn photo", async () => {
    const d = await ask("/detect blue circle");
    expect(d?.text).toBe("1 found: blue circle.");
    const res = await client.fetch(`/blobs/${d?.images[0]?.key}`);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
  });

  it("/cutout serves a PNG with transparency", async () => {
    const d = await ask("/cutout");
    expect(d?.images[0]?.mime).toBe("image/png");
    const res = await client.fetch(`/blobs/${d?.images[0]?.key}`);
    expect(res.headers.get("content-type")).toBe("image/png");
    const { data, info } = await sharp(Buffer.from(await res.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0);
  });
});
