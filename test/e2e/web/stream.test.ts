import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { startPacedModelServer } from "../../helpers/paced-model-server.js";
import { type Started, startOnOpenAIModel } from "../../helpers/start.js";

const WORDS = Array.from({ length: 20 }, (_, i) => `word${i + 1}`);

describe("the playground streams answers and can stop them (llava-bot start, OpenAI-compatible model, real Chromium)", () => {
  let app: Awaited<ReturnType<typeof startOnOpenAIModel>>;
  let started: Started & { url: string };
  let browser: Browser;
  let model: Awaited<ReturnType<typeof startPacedModelServer>>;
  const dir = mkdtempSync(join(tmpdir(), "llava-bot-stream-"));

  beforeAll(async () => {
    model = await startPacedModelServer({ words: WORDS, everyMs: 150 });
    app = await startOnOpenAIModel({ modelUrl: model.url, model: "paced", prefix: "stream" });
    ({ started, browser } = app);
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await model?.close();
  });

  async function ask(page: Awaited<ReturnType<Browser["newPage"]>>, index: number) {
    const photo = join(dir, `red-${index}.png`);
    writeFileSync(photo, await colourPhoto("red", 320, 240));
    await page.setInputFiles("#files", photo);
    await page.fill("#message", "/describe");
    const response = page.waitForResponse((r) => r.url().endsWith("/api/requests"));
    await page.click("#send");
    const { requestId } = (await (await response).json()) as { requestId: string };
    return { turn: page.locator(".turn").nth(index), requestId };
  }

  it("shows the first words before the last ones are generated, then the whole answer once", async () => {
    const page = await browser.newPage();
    await page.goto(started.url);
    const { turn } = await ask(page, 0);
    await turn.locator(".answer.live").filter({ hasText: "word1" }).waitFor({ timeout: 20_000 });
    // The last word had not been written when the first words were on screen.
    expect((model.sentAt[0] ?? []).length).toBeLessThan(WORDS.length);
    await turn.locator(".answer:not(.live)").waitFor({ timeout: 20_000 });
    expect((await turn.locator(".answer:not(.live)").innerText()).trim()).toBe(WORDS.join(" "));
    expect(await turn.locator("button.stop").count()).toBe(0);
  }, 60_000);

  it("Stop aborts the generation and the answer says Stopped. with what was written so far", async () => {
    const page = await browser.newPage();
    await page.goto(started.url);
    const { turn } = await ask(page, 0);
    await turn.locator(".answer.live").filter({ hasText: "word3" }).waitFor({ timeout: 20_000 });
    await turn.locator("button.stop").click();
    await turn.locator(".answer:not(.live)").waitFor({ timeout: 20_000 });
    const text = (await turn.locator(".answer:not(.live)").innerText()).trim();
    expect(text).toMatch(/^word1 word2 word3.*\n\nStopped\.$/s);
    expect(text).not.toContain(WORDS.at(-1));
    expect(model.aborted).toContain(model.sentAt.length - 1); // the model server saw the client hang up
  }, 60_000);

  it("someone else cannot stop a request", async () => {
    const page = await browser.newPage();
    await page.goto(started.url);
    const { turn, requestId } = await ask(page, 0);
    await turn.locator(".answer.live").filter({ hasText: "word2" }).waitFor({ timeout: 20_000 });
    // Another browser (another session, from the same site) tries to stop this request.
    const pending = await fetch(`${started.url}/api/requests/${encodeURIComponent(requestId)}/stop`, {
      method: "POST",
      headers: { origin: started.url },
    });
    expect(pending.status).toBe(403);
    expect(await pending.json()).toEqual({ error: "Only the person who asked can stop this." });
    await turn.locator(".answer:not(.live)").waitFor({ timeout: 20_000 });
    expect((await turn.locator(".answer:not(.live)").innerText()).trim()).toBe(WORDS.join(" "));
  }, 60_000);
});
