import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { applyEdits, type EditOp, readEdits } from "../../../src/skills/edit/index.js";
import { colourPhoto } from "../../helpers/images.js";

// Pixel tests on generated images: each operation measured, not just run.

const W = 120;
const H = 80;

/**
 * A 120×80 test card: a horizontal grey ramp with soft colour bands (so tone changes show), and
 * a pure red 12×12 mark in the top-left corner (so turns and mirrors can be followed).
 */
async function card(): Promise<Buffer> {
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const v = 40 + Math.round((x / (W - 1)) * 170);
      const band = Math.floor(y / 20) % 3;
      px[i] = band === 0 ? v + 30 : v;
      px[i + 1] = band === 1 ? v + 30 : v;
      px[i + 2] = band === 2 ? v + 30 : v;
      if (x < 12 && y < 12) [px[i], px[i + 1], px[i + 2]] = [230, 10, 10];
    }
  return sharp(px, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toBuffer();
}

async function rgb(bytes: Buffer) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (y * info.width + x) * 3;
    return { r: data[i] ?? 0, g: data[i + 1] ?? 0, b: data[i + 2] ?? 0 };
  };
  return { data, width: info.width, height: info.height, at };
}

async function means(bytes: Buffer) {
  const { data } = await rgb(bytes);
  let [r, g, b, luma, chroma] = [0, 0, 0, 0, 0];
  const n = data.length / 3;
  for (let i = 0; i < data.length; i += 3) {
    const [pr, pg, pb] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
    r += pr;
    g += pg;
    b += pb;
    luma += 0.2126 * pr + 0.7152 * pg + 0.0722 * pb;
    chroma += Math.max(pr, pg, pb) - Math.min(pr, pg, pb);
  }
  return { r: r / n, g: g / n, b: b / n, luma: luma / n, chroma: chroma / n };
}

const isRed = (p: { r: number; g: number; b: number }) => p.r > 180 && p.g < 70 && p.b < 70;

let input: Buffer;
const edit = (ops: EditOp[]) => applyEdits(input, ops);
/** The edit as typed, through the reader, so the words and the pixels are checked together. */
const typed = async (words: string) =>
  applyEdits(
    input,
    readEdits(words).flatMap((s) => (s.kind === "ops" ? s.ops : [])),
  );

beforeAll(async () => {
  input = await card();
});

describe("edit operations on a generated test card", () => {
  it("brighter raises the mean luminance, darker lowers it", async () => {
    const before = await means(input);
    expect((await means((await typed("brighter")).bytes)).luma).toBeGreaterThan(before.luma + 10);
    expect((await means((await typed("much darker")).bytes)).luma).toBeLessThan(before.luma - 20);
    // "a bit" is less than "much".
    const bit = (await means((await typed("a bit brighter")).bytes)).luma;
    const much = (await means((await typed("much brighter")).bytes)).luma;
    expect(bit).toBeGreaterThan(before.luma);
    expect(much).toBeGreaterThan(bit + 5);
  });

  it("more contrast spreads the tones, less contrast pulls them together", async () => {
    const spread = async (bytes: Buffer) => (await sharp(bytes).stats()).channels[1]?.stdev ?? 0;
    const before = await spread(input);
    expect(await spread((await typed("more contrast")).bytes)).toBeGreaterThan(before * 1.1);
    expect(await spread((await typed("less contrast")).bytes)).toBeLessThan(before * 0.9);
  });

  it("more saturated raises the colourfulness; less saturated lowers it", async () => {
    const before = (await means(input)).chroma;
    expect((await means((await typed("more saturated")).bytes)).chroma).toBeGreaterThan(before * 1.1);
    expect((await means((await typed("less saturated")).bytes)).chroma).toBeLessThan(before * 0.9);
  });

  it("black and white leaves no saturation in any pixel", async () => {
    const out = await typed("black and white");
    const { data } = await rgb(out.bytes);
    let worst = 0;
    for (let i = 0; i < data.length; i += 3)
      worst = Math.max(
        worst,
        Math.max(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0) -
          Math.min(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0),
      );
    expect(worst).toBeLessThanOrEqual(3); // JPEG rounding only
    expect((await means(input)).chroma).toBeGreaterThan(20);
  });

  it("sepia turns a grey photo brown: red over green over blue", async () => {
    const grey = await sharp(input).grayscale().png().toBuffer();
    const m = await means((await edit([{ op: "sepia" }])).bytes);
    const g = await means((await applyEdits(grey, [{ op: "sepia" }])).bytes);
    expect(g.r).toBeGreaterThan(g.g + 5);
    expect(g.g).toBeGreaterThan(g.b + 5);
    expect(m.r).toBeGreaterThan(m.b + 20);
  });

  it("warmer raises red against blue; cooler lowers it", async () => {
    const balance = async (bytes: Buffer) => {
      const m = await means(bytes);
      return m.r - m.b;
    };
    const before = await balance(input);
    expect(await balance((await typed("make it warmer")).bytes)).toBeGreaterThan(before + 10);
    expect(await balance((await typed("cooler")).bytes)).toBeLessThan(before - 10);
  });

  it("a magenta tint lowers green against red and blue; a green one raises it", async () => {
    const green = async (bytes: Buffer) => {
      const m = await means(bytes);
      return m.g - (m.r + m.b) / 2;
    };
    const before = await green(input);
    expect(await green((await typed("more magenta")).bytes)).toBeLessThan(before - 5);
    expect(await green((await typed("greener")).bytes)).toBeGreaterThan(before + 5);
  });

  it("sharpen raises the measured sharpness", async () => {
    const soft = await sharp(input).blur(1.5).png().toBuffer();
    const out = await applyEdits(soft, [{ op: "sharpen", amount: 80 }]);
    expect((await sharp(out.bytes).stats()).sharpness).toBeGreaterThan(
      (await sharp(soft).stats()).sharpness * 1.2,
    );
  });

  it("a vignette darkens the corners and leaves the centre", async () => {
    const flat = await sharp({ create: { width: W, height: H, channels: 3, background: "#b0b0b0" } })
      .png()
      .toBuffer();
    const out = await rgb((await applyEdits(flat, [{ op: "vignette", amount: 80 }])).bytes);
    expect(out.at(1, 1).g).toBeLessThan(110);
    expect(out.at(W - 2, H - 2).g).toBeLessThan(110);
    expect(Math.abs(out.at(W / 2, H / 2).g - 0xb0)).toBeLessThanOrEqual(3);
  });

  it("rotate 90 swaps width and height and takes the top-left mark to the top-right", async () => {
    const out = await typed("rotate right");
    expect([out.width, out.height]).toEqual([H, W]);
    const px = await rgb(out.bytes);
    expect(isRed(px.at(H - 4, 4))).toBe(true);
    expect(isRed(px.at(4, 4))).toBe(false);
  });

  it("rotate left takes the mark to the bottom-left; 180 to the bottom-right", async () => {
    const left = await rgb((await typed("rotate left")).bytes);
    expect([left.width, left.height]).toEqual([H, W]);
    expect(isRed(left.at(4, W - 4))).toBe(true);
    const half = await rgb((await typed("turn it upside down")).bytes);
    expect([half.width, half.height]).toEqual([W, H]);
    expect(isRed(half.at(W - 4, H - 4))).toBe(true);
  });

  it("mirror moves the mark to the top-right; flip vertically to the bottom-left", async () => {
    const mirrored = await rgb((await typed("mirror it")).bytes);
    expect([mirrored.width, mirrored.height]).toEqual([W, H]);
    expect(isRed(mirrored.at(W - 4, 4))).toBe(true);
    expect(isRed(mirrored.at(4, 4))).toBe(false);
    const flipped = await rgb((await typed("flip it vertically")).bytes);
    expect(isRed(flipped.at(4, H - 4))).toBe(true);
    expect(isRed(flipped.at(4, 4))).toBe(false);
  });

  it("crop square gives equal sides", async () => {
    const out = await typed("crop it square");
    expect(out.width).toBe(out.height);
    expect(out.width).toBe(H);
  });

  it.each([3, -5, 12])(
    "straighten %i° leaves no empty corner and keeps the aspect ratio",
    async (degrees) => {
      const green = await colourPhoto("green", 200, 150);
      const out = await applyEdits(green, [{ op: "straighten", degrees }]);
      expect(Math.abs(out.width / out.height - 200 / 150)).toBeLessThan(0.03);
      expect(out.width).toBeLessThan(200);
      const px = await rgb(out.bytes);
      for (const [x, y] of [
        [0, 0],
        [out.width - 1, 0],
        [0, out.height - 1],
        [out.width - 1, out.height - 1],
      ] as const) {
        const p = px.at(x, y);
        // The photo's green (or its grey stripe), never the black a turn leaves behind.
        expect(p.g, `corner ${x},${y}`).toBeGreaterThan(100);
      }
    },
  );

  it("every new operation drops EXIF and GPS", async () => {
    const tagged = await sharp(input)
      .withExif({ IFD0: { Make: "TestCam" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 24/1" } })
      .jpeg()
      .toBuffer();
    const out = await applyEdits(
      tagged,
      readEdits(
        "brighter, more contrast, warmer, greener, sepia, sharpen, vignette, rotate left, mirror it, straighten 2",
      ).flatMap((s) => (s.kind === "ops" ? s.ops : [])),
    );
    const meta = await sharp(out.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(out.bytes.includes(Buffer.from("TestCam"))).toBe(false);
    expect(out.applied).toHaveLength(10);
  });
});
