import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.js";
import { FIXTURES } from "../../helpers/images.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

const dir = mkdtempSync(join(tmpdir(), "llava-bot-skills-cli-"));

describe("llava-bot ocr / edit", () => {
  it("ocr prints the text of an image", () => {
    const r = cli("ocr", join(FIXTURES, "ocr-simple.png"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Tesseract.js");
  });

  it("ocr --json gives lines with boxes", () => {
    const r = cli("ocr", join(FIXTURES, "ocr-testocr.png"), "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { text: string; lines: { box: number[] }[] };
    expect(json.text.replace(/\s+/g, " ")).toContain("The quick brown dog jumped over the lazy fox");
    expect(json.lines[0]?.box).toHaveLength(4);
  });

  it("edit --look autumn --aspect 4:5 writes a 4:5 image without metadata", async () => {
    const out = join(dir, "out.jpg");
    const r = cli(
      "edit",
      join(FIXTURES, "extreme_ironing.jpg"),
      "--look",
      "autumn",
      "--aspect",
      "4:5",
      "-o",
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Done: autumn look, then cropped to 4:5\. → .*out\.jpg \(\d+×\d+\)$/m);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe("jpeg");
    expect(Math.abs((meta.width ?? 0) - ((meta.height ?? 0) * 4) / 5)).toBeLessThanOrEqual(1);
    expect(meta.exif).toBeUndefined();
  });

  it('edit photo.jpg "make it warmer and crop it square" says what it did, in order, and writes it', async () => {
    const out = join(dir, "words.png");
    const r = cli("edit", join(FIXTURES, "frisbee.jpg"), "make it warmer and crop it square", "-o", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Done: warmer by 20 %, then cropped to 1:1\. → .*words\.png \(428×428\)$/m);
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 428, 428]);
  });

  it("edit asks the model only for words it cannot place, and refuses an answer that is not an edit", async () => {
    const out = join(dir, "boss.jpg");
    // The tiny test model answers a colour name, not the JSON form: nothing is written.
    const r = cli(
      "edit",
      join(FIXTURES, "frisbee.jpg"),
      "make it better for my boss",
      "--model",
      await tinyModelDir(),
      "--json",
      "-o",
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "llava-bot: I couldn't turn “make it better for my boss” into edits I can make (I asked the model and it was not valid JSON), so I left the photo unchanged.",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("edit refuses an unknown look with the list of looks", () => {
    const r = cli("edit", join(FIXTURES, "frisbee.jpg"), "--look", "sepia", "-o", join(dir, "x.jpg"));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      'llava-bot: Unknown look "sepia". Looks: autumn, winter, spring, summer, vintage, mono, warm, cool.',
    );
  });
});
