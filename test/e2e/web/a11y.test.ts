import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateRequest, GenerateResult, ModelPort } from "../../../src/core/model-port.js";
import { colourPhoto } from "../../helpers/images.js";
import { axeViolations, focused, startPlayground, tabTo } from "../../helpers/playground.js";
import { postModel } from "../../helpers/post-model.js";

/**
 * The playground with a keyboard and a screen reader, in real Chromium: axe-core finds no
 * violation (WCAG 2.1 AA or best practice, of any impact) in any state of the page, light or dark; every step
 * from picking a photo to approving a post works with the keyboard alone; a pasted image is a
 * photo to send; reduced motion and a dark scheme are honoured.
 */
const QUESTION = "what is unusual?";
const WORDS = ["The", "photo", "is", "mostly", "red"];

/** Answers posts as postModel does; the question is streamed, then held open until Stop. */
function holdingModel(): ModelPort {
  const base = postModel();
  return {
    id: "holding-model",
    load: () => base.load(),
    dispose: () => base.dispose(),
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      if (!request.messages.at(-1)?.content.includes(QUESTION)) return base.generate(request);
      for (const [i, w] of WORDS.entries()) request.onToken?.(i ? ` ${w}` : w);
      const { signal } = request;
      await new Promise<void>((resolve) => {
        if (!signal || signal.aborted) return resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
      return { text: WORDS.join(" "), promptTokens: 10, completionTokens: 5, finishReason: "abort" };
    },
  };
}

let app: Awaited<ReturnType<typeof startPlayground>>;
const dir = mkdtempSync(join(tmpdir(), "llava-bot-a11y-"));
let photo: string;

beforeAll(async () => {
  app = await startPlayground(holdingModel(), "web-a11y");
  photo = join(dir, "red.png");
  writeFileSync(photo, await colourPhoto("red", 320, 240));
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** axe in light and in dark: each scheme has its own colours to pass. */
async function expectNoViolations(page: Page, state: string) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await axeViolations(page), `${state}, ${colorScheme}`).toEqual([]);
  }
}

describe("the playground with a keyboard and a screen reader", () => {
  it("axe-core (WCAG 2.1 AA and best practices) finds no violation at all: empty, streaming, post card, approved post", async () => {
    const page = await app.browser.newPage({ viewport: { width: 900, height: 1000 } });
    await page.goto(app.url);
    await expectNoViolations(page, "the empty page");

    await page.setInputFiles("#files", photo);
    await expectNoViolations(page, "a photo picked");
    await page.fill("#message", QUESTION);
    await page.click("#send");
    const asked = page.locator(".turn").last();
    await asked.locator(".answer.live").filter({ hasText: "mostly red" }).waitFor({ timeout: 20_000 });
    await expectNoViolations(page, "a streaming answer");
    await asked.locator("button.stop").click();
    await asked.locator(".answer:not(.live)").waitFor({ timeout: 20_000 });

    await page.setInputFiles("#files", photo);
    await page.fill("#message", "/post instagram variants 2");
    await page.click("#send");
    const card = page.locator(".turn").last().locator(".post");
    await card.locator(".variants li").first().waitFor({ timeout: 30_000 });
    await expectNoViolations(page, "a post card");

    await card.getByRole("button", { name: "Approve caption 1" }).click();
    await card.locator(".final").waitFor({ timeout: 20_000 });
    await expectNoViolations(page, "an approved post");
  }, 120_000);

  it("axe-core finds no violation in the week view of scheduled posts, nor on a card with a typed time", async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(app.url);
    await page.setInputFiles("#files", photo);
    await page.fill("#message", "/post instagram variants 2");
    await page.click("#send");
    const card = page.locator(".turn").last().locator(".post");
    await card.locator(".variants li").first().waitFor({ timeout: 30_000 });
    await card.getByLabel("Other time…").fill("not a time at all");
    await card.getByRole("button", { name: "Schedule", exact: true }).click();
    await card.locator(".post-note.error").waitFor();
    await expectNoViolations(page, "a typed time refused");
    await card.getByLabel("Other time…").fill("tomorrow 9am");
    await card.getByRole("button", { name: "Schedule", exact: true }).click();
    await card.locator(".post-note", { hasText: "Scheduled:" }).waitFor();

    await page.fill("#message", "/scheduled");
    await page.press("#message", "Enter");
    const entry = page.locator("#week .entry").first();
    await entry.waitFor();
    expect(await focused(page)).toBe("scheduled-title"); // focus moved to the view it opened
    await expectNoViolations(page, "the week view");
    await entry.getByRole("button", { name: /^Reschedule:/ }).click();
    await entry.getByLabel("New time").fill("yesterday");
    await entry.getByRole("button", { name: /^Move:/ }).click();
    await entry.locator(".entry-note.error").waitFor();
    await expectNoViolations(page, "the week view with a reschedule refused");
    await entry.getByRole("button", { name: /^Cancel:/ }).click();
    await page.locator("#week-note", { hasText: "Cancelled" }).waitFor();
    await page.close();
  }, 90_000);

  it("keyboard only: Tab to the picker, choose a photo, ask, Enter, Tab to Stop, then to Approve on a post card", async () => {
    const page = await app.browser.newPage({ viewport: { width: 900, height: 1000 } });
    // Proof that no mouse was used: a pointer press anywhere on the page is counted.
    await page.addInitScript(() => {
      (window as unknown as { presses: number }).presses = 0;
      document.addEventListener(
        "pointerdown",
        () => (window as unknown as { presses: number }).presses++,
        true,
      );
    });
    // Playwright turns file-dialog interception on when the first listener is added, without
    // waiting for it: added only just before Enter, a dialog could open before it is on and be lost.
    page.on("filechooser", () => {});
    await page.goto(app.url);

    /** Opens the photo picker with Enter on it, and chooses the photo in the file dialog. */
    async function pickWithKeyboard() {
      const chooser = page.waitForEvent("filechooser");
      await page.keyboard.press("Enter");
      await (await chooser).setFiles(photo);
      await page.locator("#thumbs li").first().waitFor();
    }

    const toPicker = await tabTo(page, "pick");
    // The header's Scheduled posts button first, then the picker.
    expect(toPicker, toPicker.path.join(" → ")).toMatchObject({
      reached: true,
      path: ["show-scheduled", "pick"],
    });
    await pickWithKeyboard();
    expect(await page.locator("#drop-text").textContent()).toBe("1 photo ready");
    expect(await page.locator("#thumbs button").getAttribute("aria-label")).toBe("Remove red.png");

    const toMessage = await tabTo(page, "Message");
    expect(toMessage.path).toEqual(["Remove red.png", "Message"]);
    await page.keyboard.type(QUESTION);
    await page.keyboard.press("Enter");
    const asked = page.locator(".turn").last();
    await asked.locator(".answer.live").filter({ hasText: "mostly red" }).waitFor({ timeout: 20_000 });
    expect(await focused(page)).toBe("Message"); // still there for the next message
    expect(await page.locator("#thumbs li").count()).toBe(0); // the photo went with it

    // Stop sits in the conversation above the composer: back past the picker to it.
    const toStop = await tabTo(page, `Stop: ${QUESTION}`, { back: true });
    expect(toStop.path).toEqual(["pick", `Stop: ${QUESTION}`]);
    await page.keyboard.press("Enter");
    await asked.locator(".answer:not(.live)").waitFor({ timeout: 20_000 });
    expect(await asked.locator(".answer:not(.live)").textContent()).toMatch(
      /^The photo is mostly red.*Stopped\.$/s,
    );
    expect(await focused(page)).toBe("Message"); // Stop is gone; focus is not lost

    // A post: the photo again, the command, Enter; then back to the first caption's Approve.
    expect((await tabTo(page, "pick", { back: true })).reached).toBe(true);
    await pickWithKeyboard();
    expect((await tabTo(page, "Message")).reached).toBe(true);
    await page.keyboard.type("/post instagram variants 2");
    await page.keyboard.press("Enter");
    const card = page.locator(".turn").last().locator(".post");
    await card.locator(".variants li").first().waitFor({ timeout: 30_000 });
    // A refinement redraws the whole card; focus stays on the control that was pressed.
    expect((await tabTo(page, "Shorter", { back: true })).reached).toBe(true);
    const before = await card
      .locator(".variants li p")
      .first()
      .evaluate((p) => p.firstChild?.textContent);
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (was) => document.querySelector(".post .variants li p")?.firstChild?.textContent !== was,
      before,
      { timeout: 30_000 },
    );
    expect(await focused(page)).toBe("Shorter");
    const toApprove = await tabTo(page, "Approve caption 1", { back: true });
    expect(toApprove.reached, toApprove.path.join(" → ")).toBe(true);
    // On the way: the card's controls, each named for what it acts on.
    expect(toApprove.path).toEqual(
      expect.arrayContaining(["Regenerate", "Copy alt text", "Approve caption 2", "Copy caption 2"]),
    );
    await page.keyboard.press("Enter");
    await card.locator(".final").waitFor({ timeout: 20_000 });
    expect(await card.locator(".final .answer").textContent()).toMatch(
      /^✅ Ready to post \(approved by you\)/,
    );
    // Focus moved to the answer, which says what happened; the screen reader was told which caption.
    expect(await page.evaluate(() => document.activeElement?.classList.contains("final"))).toBe(true);
    expect(await page.locator("#announce").textContent()).toMatch(/^Caption 1 approved\. ✅ Ready to post/);
    expect(await page.evaluate(() => (window as unknown as { presses: number }).presses)).toBe(0);
  }, 120_000);

  it("a screen reader hears each answer once, when it is complete, its place in line, and errors", async () => {
    const page = await app.browser.newPage();
    // Everything the page's live region said, in order.
    await page.addInitScript(() => {
      const heard: string[] = [];
      (window as unknown as { heard: string[] }).heard = heard;
      document.addEventListener("DOMContentLoaded", () => {
        const region = document.getElementById("announce");
        if (region)
          new MutationObserver(() => heard.push(region.textContent ?? "")).observe(region, {
            childList: true,
          });
      });
    });
    await page.goto(app.url);
    const heard = () => page.evaluate(() => (window as unknown as { heard: string[] }).heard);

    await page.setInputFiles("#files", photo);
    await page.fill("#message", QUESTION);
    await page.click("#send");
    const asked = page.locator(".turn").nth(0);
    await asked.locator(".answer.live").filter({ hasText: "mostly red" }).waitFor({ timeout: 20_000 });
    // The streaming text is in no live region, and nothing of it was said yet.
    expect(await asked.locator(".answer.live").evaluate((e) => e.closest("[aria-live]"))).toBeNull();
    expect(await heard()).toEqual(["1 photo ready"]);

    // The model is busy: the next request is first in line, the one after it second; that is said.
    for (const message of ["/describe", "/ask is it red?"]) {
      await page.fill("#message", message);
      await page.click("#send");
    }
    const last = page.locator(".turn").nth(2);
    await last.locator(".status", { hasText: "You're #2 in line" }).waitFor({ timeout: 20_000 });
    expect(await heard()).toContain("You're #2 in line");

    await asked.locator("button.stop").click();
    await last.locator(".answer:not(.live)").waitFor({ timeout: 30_000 });
    const answers = await page.locator(".turn .answer:not(.live)").allTextContents();
    expect(answers[0]).toBe("The photo is mostly red\n\nStopped.");
    expect(answers).toHaveLength(3);
    // Each answer said once and whole, in the order they finished; no partial was read out.
    const said = await heard();
    expect(said.filter((h) => /mostly|frisbee/.test(h))).toEqual(answers);
    expect(said).toContain("Stopping…");

    // An error is said too: a new conversation has no photo to describe.
    await page.click("#new");
    await page.locator(".turn").first().waitFor({ state: "detached" });
    await page.fill("#message", "/describe");
    await page.click("#send");
    const refused = await page.locator(".turn .answer.error").textContent({ timeout: 20_000 });
    expect(refused).toMatch(/Add a photo first/);
    expect((await heard()).at(-1)).toBe(refused);
  }, 90_000);

  it("a menu on the card is browsed with the arrow keys and applied once, with Enter", async () => {
    const page = await app.browser.newPage({ viewport: { width: 900, height: 1000 } });
    // Every click the card sends, as the page sends it.
    await page.addInitScript(() => {
      const actions: string[] = [];
      (window as unknown as { actions: string[] }).actions = actions;
      const send = window.fetch.bind(window);
      window.fetch = (input, init) => {
        if (String(input).includes("/actions")) actions.push(String(init?.body));
        return send(input, init);
      };
    });
    await page.goto(app.url);
    const actions = () => page.evaluate(() => (window as unknown as { actions: string[] }).actions);
    await page.setInputFiles("#files", photo);
    await page.fill("#message", "/post instagram variants 2");
    await page.press("#message", "Enter");
    const card = page.locator(".turn").last().locator(".post");
    await card.locator(".variants li").first().waitFor({ timeout: 30_000 });

    await card.getByLabel("Tone: casual").focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await actions()).toEqual([]); // browsing is not choosing
    await page.keyboard.press("Enter");
    expect(await actions()).toEqual([JSON.stringify({ action: "tone", value: "professional" })]);
    await card.getByLabel("Tone: professional").waitFor({ timeout: 30_000 });
    expect(await focused(page)).toBe("Tone: professional"); // the redrawn menu has focus again
  }, 60_000);

  it("an image pasted with Ctrl+V is a photo to send, and is sent", async () => {
    const context = await app.browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    await page.goto(app.url);
    const png = (await colourPhoto("red", 320, 240)).toString("base64");
    await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const blob = new Blob([bytes], { type: "image/png" });
      await navigator.clipboard.write([new ClipboardItem({ "image/png": blob })]);
    }, png);
    await page.focus("#message");
    await page.keyboard.press("Control+V");
    await page.locator("#thumbs li").first().waitFor({ timeout: 5000 });
    expect(await page.locator("#drop-text").textContent()).toBe("1 photo ready");
    expect(await page.locator("#message").inputValue()).toBe(""); // the image, not its name, was pasted

    await page.fill("#message", "/describe");
    await page.keyboard.press("Enter");
    const turn = page.locator(".turn").last();
    await turn.locator(".answer:not(.live)").waitFor({ timeout: 20_000 });
    expect(await turn.locator(".you img").count()).toBe(1);
    // postModel answers this only when the request carried an image.
    expect(await turn.locator(".answer:not(.live)").textContent()).toMatch(/frisbee/);
    await context.close();
  }, 60_000);

  it("honours prefers-reduced-motion and prefers-color-scheme: dark", async () => {
    const page = await app.browser.newPage();
    await page.goto(app.url);
    // Every stylesheet was served (the page's, the post card's and the week view's).
    const sheets = await page.evaluate(() => Array.from(document.styleSheets, (s) => s.cssRules.length > 0));
    expect(sheets).toEqual([true, true, true]);
    // A status line as the page shows one while the bot works.
    await page.evaluate(() => {
      const status = Object.assign(document.createElement("div"), {
        className: "status",
        textContent: "Thinking…",
      });
      document.getElementById("log")?.append(status);
    });
    const look = () =>
      page.evaluate(() => {
        const status = document.querySelector(".status") as HTMLElement;
        return {
          pulse: getComputedStyle(status).animationName,
          scroll: getComputedStyle(document.documentElement).scrollBehavior,
          background: getComputedStyle(document.body).backgroundColor,
          ink: getComputedStyle(document.body).color,
        };
      });
    await page.emulateMedia({ reducedMotion: "no-preference", colorScheme: "light" });
    expect(await look()).toEqual({
      pulse: "pulse",
      scroll: "smooth",
      background: "rgb(246, 247, 251)",
      ink: "rgb(29, 35, 48)",
    });
    await page.emulateMedia({ reducedMotion: "reduce", colorScheme: "dark" });
    expect(await look()).toEqual({
      pulse: "none",
      scroll: "auto",
      background: "rgb(20, 22, 28)",
      ink: "rgb(230, 232, 238)",
    });
  }, 30_000);
});
