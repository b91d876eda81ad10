import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWeb } from "../../../src/bots/web/index.js";
import { createEngine } from "../../../src/engine/engine.js";
import type { Engine } from "../../../src/engine/types.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { colourPhoto, fixture } from "../../helpers/images.js";
import { postModel } from "../../helpers/post-model.js";
import { testConfig } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { launchChromium } from "../../helpers/start.js";

/**
 * The playground's post card in real Chromium: /post makes a card with buttons; a click is a job on
 * the queue whose answer redraws the same card; Approve adds the final message. With
 * SCREENSHOT=docs/post-card.png the test also saves the card for the README.
 */
const model = postModel();
const prefix = uniquePrefix("web-post");
const redis = newRedis();
const dir = mkdtempSync(join(tmpdir(), "llava-bot-post-card-"));
let engine: Engine;
let worker: ReturnType<typeof startEngineWorker>;
let web: Awaited<ReturnType<typeof startWeb>>;
let browser: Browser;

beforeAll(async () => {
  const config = testConfig({ redis: { prefix }, web: { port: 0, host: "127.0.0.1" } });
  engine = await createEngine({ config, secrets: {}, model });
  worker = startEngineWorker({ redisUrl: redisUrl(), prefix, config, engine });
  web = await startWeb({ config, secrets: {}, redisUrl: redisUrl() });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await worker?.close(500);
  await engine?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

async function post(page: Page, photo: Buffer, message = "/post instagram variants 2") {
  const file = join(dir, `photo-${Date.now()}.jpg`);
  writeFileSync(file, photo);
  await page.setInputFiles("#files", file);
  await page.fill("#message", message);
  await page.click("#send");
  const card = page.locator(".turn").last().locator(".post");
  await card.locator(".variants li").first().waitFor({ timeout: 30_000 });
  return card;
}

/** The captions a card shows (each paragraph's text, without its character count). */
const captions = (card: ReturnType<Page["locator"]>) =>
  card.locator(".variants li p").evaluateAll((ps) => ps.map((p) => p.firstChild?.textContent ?? ""));

describe("the playground's post card", () => {
  it("Shorter and Translate redraw the card in place through the queue; Approve adds the final message", async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
    await page.goto(web.url);
    const card = await post(page, await colourPhoto("red", 320, 240));
    const first = await captions(card);
    expect(first).toHaveLength(2);
    const vision = model.visionCalls;

    await card.getByRole("button", { name: "Shorter" }).click();
    await page.waitForFunction(
      (before) => document.querySelector(".post .variants li p")?.firstChild?.textContent !== before,
      first[0],
      { timeout: 30_000 },
    );
    const shorter = await captions(card);
    expect((shorter[0] ?? "").length).toBeLessThan((first[0] ?? "").length);
    expect(await page.locator(".post").count()).toBe(1); // the same card, not a new one

    await card.getByLabel("Translate…").selectOption("de");
    await card.locator(".variants li p", { hasText: "[German]" }).first().waitFor({ timeout: 30_000 });
    expect(model.visionCalls).toBe(vision);

    await card.locator("button.approve").first().click();
    await card.locator(".final").waitFor({ timeout: 20_000 });
    expect(await card.locator(".final .answer").innerText()).toMatch(/^✅ Ready to post \(approved by you\)/);
    expect(await card.locator(".final img").count()).toBe(1);

    await card.getByRole("button", { name: "Regenerate" }).click();
    await card.locator(".post-note.error").waitFor({ timeout: 10_000 });
    expect(await card.locator(".post-note.error").innerText()).toMatch(/approved by you; run \/post again/);
  }, 90_000);

  it("a card for the README (SCREENSHOT=path)", async () => {
    const out = process.env.SCREENSHOT;
    if (!out) return;
    const page = await browser.newPage({ viewport: { width: 900, height: 1300 } });
    await page.goto(web.url);
    const card = await post(page, fixture("frisbee.jpg"), "/post instagram playful variants 2");
    mkdirSync(join(out, ".."), { recursive: true });
    await page.locator(".turn").last().screenshot({ path: out });
    expect(await card.locator(".post-controls select").count()).toBe(3);
  }, 90_000);
});
