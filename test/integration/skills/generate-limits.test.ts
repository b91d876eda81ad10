import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelPort } from "../../../src/core/model-port.js";
import { generate } from "../../../src/skills/generate/index.js";
import { startComfyUI } from "../../helpers/comfyui.js";
import { testConfig } from "../../helpers/queue.js";

/**
 * What an image backend may do to us: its answers are capped in size and bounded in time while
 * they are read, not only until the headers come, and an address with a login in it is used
 * (as Basic auth) but never shown.
 */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ctx = (url: string, backend: "comfyui" | "a1111" | "openai", timeoutMs = 5000) => ({
  images: [],
  text: "",
  model: {} as ModelPort,
  // The smallest upload limit, so the cap on an answer is about 1 MB.
  config: testConfig({
    imagegen: { backend, url, timeoutMs, width: 512, height: 512 },
    limits: { maxImageBytes: 1024 },
  }),
  signal: new AbortController().signal,
});

const run = (c: ReturnType<typeof ctx>) => generate.run(c, { prompt: "a fox", strength: 0.6, seed: 1 });

describe("an image backend's answers", () => {
  it("an endless answer is cut at the cap and said so, without waiting for the timeout", async () => {
    let written = 0;
    const url = await listen(
      createServer((_req, res) => {
        res.setHeader("content-type", "application/json");
        res.write('{"images":["');
        const chunk = "A".repeat(64 * 1024);
        const more = () => {
          while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
          if (written < 64 * 1024 * 1024) res.once("drain", more);
        };
        more();
      }),
    );
    // A timeout far beyond the test's: only the cap can end this request.
    await expect(run(ctx(url, "a1111", 600_000))).rejects.toMatchObject({
      code: "image_backend_down",
      message: expect.stringMatching(/^The image generator \(Automatic1111\) sent an answer over 1 MB/),
    });
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it("an answer that stops halfway ends with the timeout, as a timeout", async () => {
    const url = await listen(
      createServer((_req, res) => {
        res.setHeader("content-type", "application/json");
        res.write('{"data":[{"b64_json":"'); // and nothing more, ever
      }),
    );
    await expect(run(ctx(url, "openai", 1000))).rejects.toMatchObject({
      code: "timeout",
      message: "The image generator (images API) did not answer within 1 s.",
    });
  });

  it("a ComfyUI that takes the socket and never upgrades it does not hold the request", async () => {
    // HTTP answers come, but the WebSocket handshake is never answered.
    const server = createServer((_req, res) => res.end("{}"));
    const held: import("node:net").Socket[] = [];
    server.on("upgrade", (_req, socket) => held.push(socket as import("node:net").Socket));
    const url = await listen(server);
    closers.unshift(async () => {
      for (const s of held) s.destroy();
    });
    await expect(run(ctx(url, "comfyui", 1000))).rejects.toMatchObject({ code: "image_backend_down" });
  }, 20_000);
});

describe("an image backend's address with a login", () => {
  it("is used as Basic auth, and no message shows the login", async () => {
    const comfy = await startComfyUI({ login: "admin:s3cret-pass" });
    closers.push(comfy.close);
    const withLogin = comfy.url.replace("http://", "http://admin:s3cret-pass@");
    const result = await run(ctx(withLogin, "comfyui"));
    expect(result.images).toHaveLength(1);
    expect(comfy.seen.prompts).toHaveLength(1);
    expect(comfy.seen.refused).toBe(0);
  });

  it("names the server without the login when it cannot be reached", async () => {
    for (const backend of ["comfyui", "a1111", "openai"] as const) {
      const err = await run(ctx("http://admin:s3cret-pass@127.0.0.1:9", backend)).catch((e: unknown) => e);
      expect(err, backend).toMatchObject({ code: "image_backend_down" });
      const shown = `${(err as Error).message} ${JSON.stringify(err)}`;
      expect(shown, backend).toContain("127.0.0.1:9");
      expect(shown, backend).not.toMatch(/admin|s3cret/);
    }
  });
});
