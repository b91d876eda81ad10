import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelPort } from "../../../src/core/model-port.js";
import { generate } from "../../../src/skills/generate/index.js";
import { startA1111 } from "../../helpers/a1111.js";
import { startComfyUI } from "../../helpers/comfyui.js";
import { asModelImage, fixture } from "../../helpers/images.js";
import { testConfig } from "../../helpers/queue.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const unusedModel = {} as ModelPort;
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

/** A ComfyUI stand-in, closed after the test. */
async function comfyui() {
  const server = await startComfyUI();
  closers.push(server.close);
  return server;
}

/** The A1111 stand-in, closed after the test. */
async function a1111() {
  const server = await startA1111();
  closers.push(server.close);
  return server;
}

const ctx = (
  url: string,
  backend: "comfyui" | "a1111",
  images: Awaited<ReturnType<typeof asModelImage>>[] = [],
) => ({
  images,
  text: "",
  model: unusedModel,
  config: testConfig({ imagegen: { backend, url, timeoutMs: 5000, width: 512, height: 512 } }),
  signal: new AbortController().signal,
});

describe("generate through a ComfyUI server on loopback", () => {
  it("queues the workflow with the prompt and returns the output image", async () => {
    const server = await comfyui();
    const result = await generate.run(ctx(server.url, "comfyui"), {
      prompt: "a lighthouse at dusk",
      strength: 0.6,
      seed: 42,
    });
    const meta = await sharp(result.images[0]?.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([64, 48]);
    const sent = server.seen.prompts[0] ?? {};
    expect(sent.positive?.inputs.text).toBe("a lighthouse at dusk");
    expect(sent.sampler?.inputs.seed).toBe(42);
    expect(sent.latent?.inputs.width).toBe(512);
    expect(result.text).toMatch(/seed 42/);
    expect(result.summary).not.toMatch(/base64/);
  });

  it("uploads the photo for an instruction edit (image-to-image)", async () => {
    const server = await comfyui();
    const photo = await asModelImage(fixture("frisbee.jpg"));
    await generate.run(ctx(server.url, "comfyui", [photo]), {
      prompt: "make it snow",
      strength: 0.5,
      seed: 1,
    });
    expect(server.seen.uploads).toBe(1);
    const sent = server.seen.prompts[0] ?? {};
    expect(sent.load?.inputs.image).toBe("uploaded.png");
    expect(sent.sampler?.inputs.denoise).toBe(0.5);
  });

  it("says clearly when the server is down", async () => {
    await expect(
      generate.run(ctx("http://127.0.0.1:9", "comfyui"), { prompt: "x", strength: 0.6 }),
    ).rejects.toMatchObject({
      code: "image_backend_down",
      message: expect.stringMatching(/cannot be reached/),
    });
  });
});

describe("generate through an Automatic1111 server on loopback", () => {
  it("posts txt2img and img2img and decodes the base64 image", async () => {
    const server = await a1111();
    const out = await generate.run(ctx(server.url, "a1111"), {
      prompt: "a red barn",
      strength: 0.6,
      seed: 7,
    });
    expect(out.images[0]?.width).toBe(64);
    expect(server.seen[0]).toMatchObject({
      path: "/sdapi/v1/txt2img",
      body: { prompt: "a red barn", seed: 7, width: 512 },
    });
    const photo = await asModelImage(fixture("frisbee.jpg"));
    await generate.run(ctx(server.url, "a1111", [photo]), { prompt: "autumn", strength: 0.4, seed: 7 });
    expect(server.seen[1]?.path).toBe("/sdapi/v1/img2img");
    expect(server.seen[1]?.body.denoising_strength).toBe(0.4);
    const init = (server.seen[1]?.body.init_images ?? []) as string[];
    expect(Buffer.from(init[0] ?? "", "base64").equals(photo.bytes)).toBe(true);
  });

  it("refuses backend output that is not an image", async () => {
    const server = createServer((_req, res) =>
      res.end(JSON.stringify({ images: [Buffer.from("not a picture").toString("base64")] })),
    );
    const url = await listen(server);
    await expect(generate.run(ctx(url, "a1111"), { prompt: "x", strength: 0.6 })).rejects.toMatchObject({
      message: expect.stringMatching(/not an image/),
    });
  });
});

describe("llava-bot generate", () => {
  it("without a backend: one clear line, non-zero exit", () => {
    const r = spawnSync(
      process.execPath,
      [resolve("bin/llava-bot.js"), "generate", "a fox", "-o", "/tmp/never.png"],
      { encoding: "utf8" },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      "llava-bot: Image generation is not set up on this bot. An operator can configure imagegen.backend (comfyui, a1111 or openai) and imagegen.url.",
    );
  });

  it("with an A1111 backend writes the image", async () => {
    const server = await a1111();
    const out = join(mkdtempSync(join(tmpdir(), "gen-")), "fox.png");
    const r = await new Promise<{ code: number | null; stdout: string }>((res) => {
      const child = spawn(process.execPath, [resolve("bin/llava-bot.js"), "generate", "a fox", "-o", out], {
        env: { ...process.env, LLAVA_BOT__IMAGEGEN__BACKEND: "a1111", LLAVA_BOT__IMAGEGEN__URL: server.url },
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d;
      });
      child.on("exit", (code: number | null) => res({ code, stdout }));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(out);
    expect((await sharp(out).metadata()).format).toBe("png");
  });
});
