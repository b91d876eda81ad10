import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { COLOURS } from "../../../tools/tiny-model/vocab.js";
import { cli } from "../../helpers/cli.js";
import { colourPhoto, FIXTURES, fixture } from "../../helpers/images.js";

const dir = mkdtempSync(join(tmpdir(), "llava-bot-cli-"));
const modelDir = join(dir, "model");

function expectOneCleanLine(stderr: string): void {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^llava-bot: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe("llava-bot CLI with the tiny model", () => {
  beforeAll(() => {
    const made = cli("make-test-model", modelDir);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(modelDir);
  });

  it.each(COLOURS.map((colour) => ({ colour })))(
    "ask names $colour for a mostly-$colour photo",
    async ({ colour }) => {
      const file = join(dir, `${colour}.png`);
      writeFileSync(file, await colourPhoto(colour));
      const r = cli("ask", file, "What colour is it?", "--model", modelDir);
      expect(r.stderr).not.toContain("llava-bot:");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${colour}\n`);
    },
  );

  it("answers about a real photo (frisbee.jpg is mostly grass)", () => {
    const r = cli("ask", join(FIXTURES, "frisbee.jpg"), "What colour is it?", "--model", modelDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("green\n");
  });

  it.each([
    { file: "heic-landscape.heic", colour: "green" },
    { file: "heic-portrait.heic", colour: "red" },
    { file: "heic-multi.heic", colour: "black" },
  ])("describe $file (an iPhone-style HEIC) names $colour", ({ file, colour }) => {
    const r = cli("describe", join(FIXTURES, file), "--model", modelDir);
    expect(r.stderr).not.toContain("llava-bot:");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${colour}\n`);
  });

  it("describe --json prints one JSON object", () => {
    const r = cli("describe", join(FIXTURES, "ocr-testocr.png"), "--model", modelDir, "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { answer: string; model: string };
    expect(json.answer).toBe("white");
    expect(json.model).toBe(modelDir);
  });

  it("bad input exits non-zero with one clear line and no stack trace", async () => {
    const truncated = join(dir, "truncated.jpg");
    writeFileSync(truncated, fixture("frisbee.jpg").subarray(0, 20_000));
    const svg = join(dir, "drawing.svg");
    writeFileSync(svg, "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>");
    const heic = join(dir, "IMG_0001.HEIC");
    const portrait = fixture("heic-portrait.heic");
    writeFileSync(heic, portrait.subarray(0, portrait.length / 2));
    const notImage = join(dir, "notes.png");
    writeFileSync(notImage, "this is text with a .png name");
    const huge = join(dir, "huge.png");
    await sharp({ create: { width: 9000, height: 9000, channels: 3, background: "#f00" } })
      .png({ compressionLevel: 1 })
      .toFile(huge);

    const cases: [string[], RegExp][] = [
      [
        ["ask", join(dir, "missing.png"), "q", "--model", modelDir],
        /cannot read .*missing\.png: no such file/,
      ],
      [["ask", truncated, "q", "--model", modelDir], /damaged or incomplete/],
      [["ask", svg, "q", "--model", modelDir], /SVG/],
      [["ask", heic, "q", "--model", modelDir], /IMG_0001\.HEIC: That image looks damaged or incomplete\./],
      [["ask", notImage, "q", "--model", modelDir], /not an image/],
      [["ask", huge, "q", "--model", modelDir], /81 MP\); the limit is 50 MP/],
      [
        ["ask", join(FIXTURES, "frisbee.jpg"), "q", "--model", join(dir, "no-model")],
        /no such folder.*--model/,
      ],
      [["ask", join(FIXTURES, "frisbee.jpg")], /image path and a question/],
      [["describe", "--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [args, pattern] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stdout).toBe("");
      expectOneCleanLine(r.stderr);
      expect(r.stderr).toMatch(pattern);
    }
  });

  it("--stack-trace adds the stack of what went wrong under that line", () => {
    // A folder given as the config file: the line names it, the cause is the read that failed.
    const args = ["ask", join(FIXTURES, "frisbee.jpg"), "q", "--config", dir];
    const plain = cli(...args);
    expect(plain.code).not.toBe(0);
    expectOneCleanLine(plain.stderr);
    expect(plain.stderr).toContain(`Cannot read config file ${dir}.`);
    const traced = cli(...args, "--stack-trace");
    expect(traced.code).toBe(plain.code);
    expect(traced.stderr.startsWith(plain.stderr)).toBe(true);
    expect(traced.stderr).toMatch(/EISDIR[^\n]*\n\s+at /);
  });
});
