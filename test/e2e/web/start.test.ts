import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../src/queue/redis-server.js";
import { colourPhoto, FIXTURES } from "../../helpers/images.js";
import { redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { baseEnv, launchChromium, type Started, start } from "../../helpers/start.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

const ARTIFACTS = resolve("test-artifacts");

describe("llava-bot start with the tiny model, in a real browser", () => {
  let started: Started & { url: string };
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), "llava-bot-web-"));

  beforeAll(async () => {
    const model = await tinyModelDir();
    started = await start(baseEnv({ REDIS_URL: redisUrl(), LLAVA_BOT__REDIS__PREFIX: uniquePrefix("web") }), [
      "--model",
      model,
      "--port",
      String(await freePort()),
    ]);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    started?.child.kill("SIGINT");
    await started?.exited;
  });

  it("uploads a photo, runs /describe and /post instagram, and shows answers, images and captions", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
    await page.goto(started.url);
    const photo = join(dir, "blue.png");
    writeFileSync(photo, await colourPhoto("blue", 640, 480));

    await page.setInputFiles("#files", photo);
    await page.fill("#message", "/describe");
    await page.click("#send");
    const first = page.locator(".turn").nth(0);
    await first.locator(".answer:not(.live)").waitFor({ timeout: 30_000 });
    expect((await first.locator(".answer:not(.live)").innerText()).trim()).toBe("blue");

    await page.setInputFiles("#files", join(FIXTURES, "frisbee.jpg"));
    await page.fill("#message", "/post instagram playful");
    await page.click("#send");
    const second = page.locator(".turn").nth(1);
    await second.locator(".variants li").first().waitFor({ timeout: 30_000 });
    expect(await second.locator(".variants li").count()).toBeGreaterThanOrEqual(1); // only captions the model wrote
    const image = second.locator(".images img");
    await image.waitFor();
    const size = await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    expect(size).toEqual([1080, 1350]);
    expect(await image.getAttribute("alt")).toBe("Green");
    // A copy button for each caption and one for the alt text.
    const captions = await second.locator(".variants li").count();
    expect(await second.locator("button.copy").count()).toBe(captions + 1);

    // Bad input gets one clear sentence in the page.
    await page.setInputFiles("#files", {
      name: "notes.png",
      mimeType: "image/png",
      buffer: Buffer.from("not really a png"),
    });
    await page.fill("#message", "/describe");
    await page.click("#send");
    const third = page.locator(".turn").nth(2);
    await third.locator(".answer.error").waitFor({ timeout: 10_000 });
    expect(await third.locator(".answer.error").innerText()).toMatch(/not an image I can read/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "web-playground.png"), fullPage: true });
  }, 90_000);

  it("model output is shown as text, never as markup", async () => {
    // Every script the page loads, as served, uses no API that parses a string as HTML.
    const html = await (await fetch(started.url)).text();
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(scripts).toEqual(expect.arrayContaining(["/app.js", "/post-card.js"]));
    const sinks =
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|srcdoc|DOMParser/;
    for (const src of scripts) {
      const js = await (await fetch(new URL(src, started.url))).text();
      expect(js.length, src).toBeGreaterThan(0);
      expect(js, src).not.toMatch(sinks);
    }
  });
});

describe("llava-bot start without REDIS_URL", () => {
  it("starts its own Redis and stops it on Ctrl-C, leaving no process behind", async () => {
    const env = baseEnv({ LLAVA_BOT__REDIS__STATE_DIR: mkdtempSync(join(tmpdir(), "llava-bot-state-")) });
    delete env.REDIS_URL;
    const s = await start(env, ["--model", await tinyModelDir(), "--port", "0"]);
    const m = /^redis\s+private redis-server on 127\.0\.0\.1:\d+ \(pid (\d+)\)/m.exec(s.output());
    expect(m, s.output()).not.toBeNull();
    const pid = Number(m?.[1]);
    expect(() => process.kill(pid, 0)).not.toThrow();
    s.child.kill("SIGINT");
    expect(await s.exited).toBe(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(s.output()).toMatch(/llava-bot stopped/);
  }, 60_000);
});
