import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.js";
import { FIXTURES } from "../../helpers/images.js";

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
    expect(r.stdout).toMatch(/autumn look \+ crop 4:5/);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe("jpeg");
    expect(Math.abs((meta.width ?? 0) - ((meta.height ?? 0) * 4) / 5)).toBeLessThanOrEqual(1);
    expect(meta.exif).toBeUndefined();
  });

  it("edit refuses an unknown look with the list of looks", () => {
    const r = cli("edit", join(FIXTURES, "frisbee.jpg"), "--look", "sepia", "-o", join(dir, "x.jpg"));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      'llava-bot: Unknown look "sepia". Looks: autumn, winter, spring, summer, vintage, mono, warm, cool.',
    );
  });
});
