import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWeb } from "../../../src/bots/web/index.js";
import { createEngine } from "../../../src/engine/engine.js";
import type { Engine } from "../../../src/engine/types.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { colourPhoto } from "../../helpers/images.js";
import { postModel } from "../../helpers/post-model.js";
import { testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { type WebClient, type WebEventJson, webClient } from "../../helpers/web-client.js";

/**
 * The playground's sessions and who may reach it, over real HTTP on loopback: the Host and Origin
 * a browser sends, the session the server issues, and what one session may see of another's.
 * The engine starts only for the last tests, so the first requests wait in the queue (a Stop has
 * something to stop).
 */
const prefix = uniquePrefix("web-sessions");
const redis = newRedis();
const config = testConfig({ redis: { prefix }, web: { port: 0, host: "127.0.0.1" } });
let web: Awaited<ReturnType<typeof startWeb>>;
let engine: Engine | undefined;
let worker: ReturnType<typeof startEngineWorker> | undefined;
let alice: WebClient;
let mallory: WebClient;

/** A raw request with whatever Host header a page elsewhere could make a browser send. */
function withHost(path: string, host: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(web.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  web = await startWeb({ config, secrets: {}, redisUrl: redisUrl() });
  alice = await webClient(web.url);
  mallory = await webClient(web.url);
}, 60_000);

afterAll(async () => {
  await web?.close();
  await worker?.close(500);
  await engine?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe("who may reach the playground", () => {
  it("answers only to loopback host names: Host: attacker.example is refused (DNS rebinding)", async () => {
    const { port } = new URL(web.url);
    expect((await withHost("/", `127.0.0.1:${port}`)).status).toBe(200);
    expect((await withHost("/", `localhost:${port}`)).status).toBe(200);
    const evil = await withHost("/", `attacker.example:${port}`);
    expect(evil.status).toBe(403);
    expect(evil.body).toBe("This playground does not answer to that host name.");
    expect((await withHost("/api/events", "attacker.example")).status).toBe(403);
  });

  it("refuses a POST from another site, or with no Origin at all", async () => {
    const form = () => {
      const f = new FormData();
      f.append("message", "/generate a red square");
      return f;
    };
    for (const origin of ["http://attacker.example", "null", undefined]) {
      const headers = new Headers({ cookie: `llava_session=${alice.session}` });
      if (origin) headers.set("origin", origin);
      const res = await fetch(`${web.url}/api/requests`, { method: "POST", body: form(), headers });
      expect(res.status, String(origin)).toBe(403);
      expect(await res.text()).toBe("Requests from other sites are refused.");
    }
  });

  it("issues its own session: a random id in an HttpOnly, SameSite=Strict cookie; a made-up id gets a new one", async () => {
    const res = await fetch(`${web.url}/`);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^llava_session=[0-9a-f]{48}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(alice.session).not.toBe(mallory.session);
    const madeUp = await fetch(`${web.url}/`, { headers: { cookie: `llava_session=${"a".repeat(48)}` } });
    const issued = /llava_session=([0-9a-f]+)/.exec(madeUp.headers.get("set-cookie") ?? "")?.[1];
    expect(issued).toMatch(/^[0-9a-f]{48}$/);
    expect(issued).not.toBe("a".repeat(48));
    // Alice's own cookie is resumed, not replaced.
    const again = await alice.fetch("/");
    expect(again.headers.get("set-cookie")).toBeNull();
  });
});

describe("one session never reaches another's requests", () => {
  let requestId = "";
  let aliceEvents: Awaited<ReturnType<WebClient["events"]>>;

  it("another session's events are refused, even naming its id", async () => {
    aliceEvents = await alice.events();
    const sent = await alice.send("/post instagram", await colourPhoto("red", 320, 240));
    expect(sent.status).toBe(200);
    requestId = String(sent.json.requestId);
    await waitFor(() => aliceEvents.events.some((e) => e.type === "queued"), 5000, "alice's queued event");
    const spy = await mallory.events(`?session=${alice.session}`);
    expect(spy.status).toBe(403);
    spy.close();
    // Mallory's own stream carries nothing of Alice's, history included: once her own request's
    // event has come through, everything before it has too.
    const own = await mallory.events();
    expect(own.status).toBe(200);
    const hers = await mallory.send("/post instagram", await colourPhoto("green", 320, 240));
    await waitFor(() => own.events.some((e) => e.requestId === hers.json.requestId), 5000, "her own event");
    expect(own.events.map((e) => e.requestId)).toEqual([hers.json.requestId]);
    own.close();
  });

  it("another session's Stop is refused, even sending the id the page used to send", async () => {
    const stop = (who: WebClient, headers: Record<string, string> = {}) =>
      who.fetch(`/api/requests/${encodeURIComponent(requestId)}/stop`, { method: "POST", headers });
    const refused = await stop(mallory, { "x-session": alice.session });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "Only the person who asked can stop this." });
    const stranger = await fetch(`${web.url}/api/requests/${encodeURIComponent(requestId)}/stop`, {
      method: "POST",
      headers: { origin: web.url, "x-session": alice.session },
    });
    expect(stranger.status).toBe(403);
    expect((await stop(alice)).status).toBe(200);
  });

  it("a blob key from another session 404s; the session's own images are served", async () => {
    engine = await createEngine({ config, secrets: {}, model: postModel() });
    worker = startEngineWorker({ redisUrl: redisUrl(), prefix, config, engine });
    const sent = await alice.send("/post instagram", await colourPhoto("blue", 320, 240));
    const id = String(sent.json.requestId);
    const delivered = () =>
      aliceEvents.events.find(
        (e): e is WebEventJson & { delivery: { images: { key: string }[] } } =>
          e.type === "delivery" && e.delivery?.requestId === id,
      );
    await waitFor(() => Boolean(delivered()), 30_000, "alice's post");
    const key = delivered()?.delivery.images[0]?.key ?? "";
    expect(key).toMatch(/^blob-[0-9a-f]{40}$/);

    const own = await alice.fetch(`/blobs/${key}`);
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toBe("image/jpeg");
    expect((await mallory.fetch(`/blobs/${key}`)).status).toBe(404);
    expect((await fetch(`${web.url}/blobs/${key}`)).status).toBe(404);

    // Nor can another session click the post's buttons.
    expect(JSON.stringify(delivered()?.delivery.card)).toContain(`"post:${id}:approve-1"`);
    const click = await mallory.fetch(`/api/posts/${encodeURIComponent(id)}/actions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "approve-1" }),
    });
    expect(click.status).toBe(410);
    aliceEvents.close();
  }, 60_000);

  it("a session ends after web.sessionIdleS without a request: its cookie then gets a new session", async () => {
    const key = `${prefix}:web:session:${mallory.session}`;
    await mallory.fetch("/");
    // Each request starts the idle time again.
    expect(await redis.ttl(key)).toBeGreaterThan(3500);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(3600);
    await redis.pexpire(key, 1); // as if an hour had passed unused
    await waitFor(async () => (await redis.exists(key)) === 0, 5000, "the session to expire");
    const after = await mallory.fetch("/");
    const issued = /llava_session=([0-9a-f]{48})/.exec(after.headers.get("set-cookie") ?? "")?.[1];
    expect(issued).toMatch(/^[0-9a-f]{48}$/);
    expect(issued).not.toBe(mallory.session);
  });
});
