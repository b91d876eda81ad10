import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto, fixture } from "../../helpers/images.js";
import { startPlayground } from "../../helpers/playground.js";
import { postModel } from "../../helpers/post-model.js";

/**
 * The playground's post card in real Chromium: /post makes a card with buttons; a click is a job on
 * the queue whose answer redraws the same card; Approve adds the final message and closes the card
 * to changes. With SCREENSHOT=docs/post-card.png the test also saves the card for the README.
 */
const model = postModel();
const dir = mkdtempSync(join(tmpdir(), "llava-bot-post-card-"));
let app: Awaited<ReturnType<typeof startPlayground>>;

beforeAll(async () => {
  app = await startPlayground(model, "web-post");
}, 60_000);

afterAll(async () => {
  await app?.close();
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
    const page = await app.browser.newPage({ viewport: { width: 900, height: 1100 } });
    await page.goto(app.url);
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
  }, 90_000);

  it("after Approve, no image is wider than the card and the approve/refine controls are disabled", async () => {
    for (const width of [900, 360]) {
      const page = await app.browser.newPage({ viewport: { width, height: 1400 } });
      await page.goto(app.url);
      const card = await post(page, fixture("frisbee.jpg"));
      const second = (await captions(card))[1];
      await card.getByRole("button", { name: "Approve caption 2" }).click();
      await card.locator(".final img").waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));

      // The approved post's image is a thumbnail like the card's: it opens the full 1080×1350 image.
      const sizes = await card.evaluate((root) => ({
        card: root.getBoundingClientRect().right,
        cardWidth: root.getBoundingClientRect().width,
        images: Array.from(root.querySelectorAll("img")).map((i) => ({
          right: i.getBoundingClientRect().right,
          width: i.getBoundingClientRect().width,
          natural: i.naturalWidth,
          link: i.closest("a")?.getAttribute("href"),
        })),
      }));
      expect(sizes.images, `at ${width}px`).toHaveLength(2);
      for (const img of sizes.images) {
        expect(img.width, `at ${width}px`).toBeLessThanOrEqual(Math.min(320, sizes.cardWidth));
        expect(img.right, `at ${width}px`).toBeLessThanOrEqual(sizes.card);
        expect(img.natural).toBe(1080);
        expect(img.link).toMatch(/^\/blobs\//);
      }

      // Nothing on the card can change the post now, and it says which caption was approved.
      const controls = card.locator(".post-action");
      // Two Approve, Regenerate, Shorter, four menus (Schedule…, tone, platform, language), and the
      // typed time: its words, its caption menu and its Schedule button.
      expect(await controls.count()).toBe(11);
      expect(
        await controls.evaluateAll((cs) => cs.filter((c) => !(c as HTMLButtonElement).disabled).length),
      ).toBe(0);
      expect(await card.locator(".post-approved").innerText()).toBe(
        "Caption 2 approved; run /post again for a new one.",
      );
      expect(await card.getByRole("button", { name: "Approved caption 2" }).count()).toBe(1);
      expect(await card.locator(".variants li.approved p").evaluate((p) => p.firstChild?.textContent)).toBe(
        second,
      );
      expect(await card.locator(".final .answer").innerText()).toContain(second);
      await page.close();
    }
  }, 120_000);

  it("Schedule…: the card says when in the browser's locale and zone, offers no second approval, and at the time says how it went", async () => {
    const page = await app.browser.newPage({ locale: "de-DE", timezoneId: "Asia/Tokyo" });
    await page.goto(app.url);
    const card = await post(page, await colourPhoto("red", 320, 240));
    // The menu's slots are hours away: one a few seconds ahead is offered as the server writes them.
    const at = Math.floor(Date.now() / 1000) + 5;
    const menu = card.getByLabel("Schedule…");
    // Other time… is the form beside the menu here, not one of its options (a modal in the chat apps).
    expect(
      await menu.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
    ).not.toContain("1-other");
    expect(await card.getByLabel("Other time…").count()).toBe(1);
    await menu.evaluate((s, value) => {
      s.append(Object.assign(document.createElement("option"), { value, text: "soon" }));
    }, `1-${at}`);
    await menu.selectOption(`1-${at}`);
    const status = card.locator(".post-status");
    await status.waitFor({ timeout: 10_000 });
    const local = new Intl.DateTimeFormat("de-DE", {
      dateStyle: "full",
      timeStyle: "short",
      timeZone: "Asia/Tokyo",
    }).format(at * 1000);
    expect(await status.textContent()).toBe(`🕒 Scheduled for ${local} by you (caption 1)`);
    expect(await card.locator(".variants li p").count()).toBe(2); // the captions are still shown
    expect(await card.locator(".post-action").count()).toBe(0); // no Approve, Schedule… or refinement
    // No account is set up here: at the time it is ready to post, on the card and below it.
    await card.locator(".final").waitFor({ timeout: 20_000 });
    expect(await status.textContent()).toBe("✅ Ready to post (caption 1, scheduled by you)");
    expect(await card.locator(".final .answer").textContent()).toMatch(
      /^✅ Ready to post \(approved by you\)/,
    );
    await page.close();
  }, 90_000);

  it("a card for the README (SCREENSHOT=path)", async () => {
    const out = process.env.SCREENSHOT;
    if (!out) return;
    const page = await app.browser.newPage({ viewport: { width: 900, height: 1300 } });
    await page.goto(app.url);
    const card = await post(page, fixture("frisbee.jpg"), "/post instagram playful variants 2");
    mkdirSync(join(out, ".."), { recursive: true });
    await page.locator(".turn").last().screenshot({ path: out });
    expect(await card.locator(".post-controls select").count()).toBe(4); // Schedule…, tone, platform, language
  }, 90_000);
});
