import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { recognise } from "../../../src/skills/ocr/index.js";
import { closeOcr, ocrPoolOpen, ocrScheduler } from "../../../src/skills/ocr/pool.js";
import { fixture } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";

describe("ocr (tesseract.js, offline traineddata)", () => {
  afterAll(closeOcr);

  it("reads the tesseract.js test page", async () => {
    const result = await recognise(fixture("ocr-testocr.png"), 1);
    // Lines wrap where the page wraps them; the sentence is there once whitespace is folded.
    expect(result.text.replace(/\s+/g, " ")).toContain("The quick brown dog jumped over the lazy fox");
    expect(result.text).toContain("This is a lot of 12 point text");
    expect(result.lines.length).toBeGreaterThanOrEqual(4);
    for (const line of result.lines) {
      const [x0, y0, x1, y1] = line.box;
      expect(x1).toBeGreaterThan(x0);
      expect(y1).toBeGreaterThan(y0);
    }
  });

  it("reads a one-word image", async () => {
    const result = await recognise(fixture("ocr-simple.png"), 1);
    expect(result.text).toContain("Tesseract.js");
  });

  it("reuses one worker pool across calls", async () => {
    const first = await ocrScheduler();
    await recognise(fixture("ocr-simple.png"), 1);
    expect(await ocrScheduler()).toBe(first);
    expect(first.getNumWorkers()).toBe(1);
  });

  it("starts as many workers as engine.ocrWorkers asks for", async () => {
    await closeOcr();
    const pool = await ocrScheduler(2);
    expect(pool.getNumWorkers()).toBe(2);
    const result = await recognise(fixture("ocr-simple.png"), 2);
    expect(result.text).toContain("Tesseract.js");
  });

  it("replaces the pool with a fresh one once idle after a page over 4 MP (its memory never shrinks)", async () => {
    await closeOcr();
    // The test page on a 2400×1800 sheet: 4.3 MP, as a phone photo of a document is.
    const page = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: "#fff" } })
      .composite([{ input: fixture("ocr-testocr.png"), top: 100, left: 100 }])
      .png()
      .toBuffer();
    const large = await recognise(page, 1);
    expect(large.text).toContain("This is a lot of 12 point text");
    const grown = ocrScheduler();
    await waitFor(() => ocrPoolOpen() && ocrScheduler() !== grown, 20_000, "a fresh pool in its place");
    const next = await recognise(fixture("ocr-simple.png"), 1);
    expect(next.text).toContain("Tesseract.js");
    expect(ocrPoolOpen()).toBe(true);
  });

  it("keeps a pool that read only small pages", async () => {
    await closeOcr();
    await recognise(fixture("ocr-simple.png"), 1);
    const pool = ocrScheduler();
    // Longer than a grown pool's idle time: a small-page pool is not renewed or let go.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(ocrScheduler()).toBe(pool);
  });
});
