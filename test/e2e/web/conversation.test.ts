import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { type ChatBody, startPacedModelServer } from "../../helpers/paced-model-server.js";
import { type Started, startOnOpenAIModel } from "../../helpers/start.js";

/** The images a chat request carried, in order, as bytes. */
function imagesIn(body: ChatBody): Buffer[] {
  return body.messages.flatMap((m) =>
    typeof m.content === "string"
      ? []
      : m.content.flatMap((p) =>
          p.type === "image_url" ? [Buffer.from(p.image_url.url.split(",")[1] ?? "", "base64")] : [],
        ),
  );
}

/** A model that looks: it names the strongest channel of the newest image it was sent. */
async function nameColour(body: ChatBody): Promise<string[]> {
  const newest = imagesIn(body).at(-1);
  if (!newest) return ["I", "see", "no", "image"];
  const [r, g, b] = (await sharp(newest).stats()).channels.map((c) => c.mean);
  const names: [string, number][] = [
    ["red", r ?? 0],
    ["green", g ?? 0],
    ["blue", b ?? 0],
  ];
  return [names.sort((x, y) => y[1] - x[1])[0]?.[0] ?? ""];
}

/** What a chat request's turns said, as role: text [n images]. */
const turnsOf = (body: ChatBody | undefined) =>
  (body?.messages ?? [])
    .filter((m) => m.role !== "system")
    .map((m) =>
      typeof m.content === "string"
        ? `${m.role}: ${m.content}`
        : `${m.role}: ${m.content.map((p) => (p.type === "text" ? p.text : "[image]")).join(" ")}`,
    );

describe("the playground is a conversation (llava-bot start, OpenAI-compatible model, real Chromium)", () => {
  let app: Awaited<ReturnType<typeof startOnOpenAIModel>>;
  let started: Started & { url: string };
  let browser: Browser;
  let model: Awaited<ReturnType<typeof startPacedModelServer>>;
  const dir = mkdtempSync(join(tmpdir(), "llava-bot-conversation-"));

  beforeAll(async () => {
    model = await startPacedModelServer({ words: [], everyMs: 5, answer: nameColour });
    app = await startOnOpenAIModel({ modelUrl: model.url, model: "looks", prefix: "web-conv" });
    ({ started, browser } = app);
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await model?.close();
  });

  /** Sends a message; returns the finished turn's text and the sizes of the files the page uploaded. */
  async function say(page: Page, index: number, message: string) {
    await page.fill("#message", message);
    await page.click("#send");
    const uploaded = await page.evaluate(() => (window as unknown as { sent: number[][] }).sent.at(-1));
    const turn = page.locator(".turn").nth(index);
    const answer = turn.locator(".answer:not(.live)");
    await answer.waitFor({ timeout: 20_000 });
    return { text: (await answer.innerText()).trim(), uploaded, error: await turn.locator(".error").count() };
  }

  it("a follow-up without a photo is answered about the earlier one, with the earlier turns; a new conversation forgets it", async () => {
    const page = await browser.newPage();
    // What each request's form carried, as the page sent it.
    await page.addInitScript(() => {
      const sent: number[][] = [];
      (window as unknown as { sent: number[][] }).sent = sent;
      const send = window.fetch.bind(window);
      window.fetch = (input, init) => {
        if (init?.body instanceof FormData) sent.push(init.body.getAll("files").map((f) => (f as File).size));
        return send(input, init);
      };
    });
    await page.goto(started.url);
    const photo = join(dir, "red.png");
    writeFileSync(photo, await colourPhoto("red", 320, 240));
    await page.setInputFiles("#files", photo);
    const first = await say(page, 0, "what colour is it?");
    expect(first.text).toBe("red");
    expect(first.uploaded).toHaveLength(1);
    expect(first.uploaded?.[0]).toBeGreaterThan(0);

    const second = await say(page, 1, "and again?");
    expect(second.text).toBe("red");
    // The photo was not uploaded again: the server sent the stored one.
    expect(second.uploaded).toEqual([]);
    expect(turnsOf(model.bodies.at(-1))).toEqual([
      "user: [image] what colour is it?",
      "assistant: red",
      "user: and again?",
    ]);

    await page.click("#new");
    await page.locator(".turn").first().waitFor({ state: "detached" });
    const fresh = await say(page, 0, "what colour is it now?");
    expect(fresh.error).toBe(1);
    expect(fresh.text).toMatch(/Add a photo first/);
  }, 90_000);
});
