import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { applyEdits, LOOK_NAMES, parseEdits } from "../../../src/skills/edit/index.js";
import { changeIn, fixture } from "../../helpers/images.js";

async function rgb(bytes: Buffer) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Circular mean hue (degrees) over reasonably saturated pixels. */
async function meanHue(bytes: Buffer): Promise<number> {
  const { data } = await rgb(bytes);
  let x = 0;
  let y = 0;
  for (let i = 0; i < data.length; i += 3) {
    const r = (data[i] ?? 0) / 255;
    const g = (data[i + 1] ?? 0) / 255;
    const b = (data[i + 2] ?? 0) / 255;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const chroma = max - min;
    if (chroma < 0.08) continue;
    let h = max === r ? ((g - b) / chroma) % 6 : max === g ? (b - r) / chroma + 2 : (r - g) / chroma + 4;
    h *= 60;
    x += Math.cos((h * Math.PI) / 180) * chroma;
    y += Math.sin((h * Math.PI) / 180) * chroma;
  }
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Pixels of the thrower's bright blue jacket in frisbee.jpg. */
async function bluePixels(bytes: Buffer): Promise<number> {
  const { data } = await rgb(bytes);
  let n = 0;
  for (let i = 0; i < data.length; i += 3) {
    const r = data[i] ?? 0;
    const g = data[i + 1] ?? 0;
    const b = data[i + 2] ?? 0;
    if (b > 120 && b > r + 50 && b > g + 40) n++;
  }
  return n;
}

describe("edit operations (measured)", () => {
  it.each(["4:5", "1:1", "9:16", "16:9", "1.91:1"])("crops frisbee.jpg to %s within 1 px", async (aspect) => {
    const out = await applyEdits(fixture("frisbee.jpg"), [{ op: "crop", aspect }]);
    const [w, h] = aspect.split(":").map(Number) as [number, number];
    expect(Math.abs(out.width - (out.height * w) / h)).toBeLessThanOrEqual(1);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([out.width, out.height]);
  });

  it("smart crop keeps the salient region (the players) when a centre crop would cut them", async () => {
    // Shift the players off-centre: keep the right part of the photo, where they stand near the left edge.
    const shifted = await sharp(fixture("frisbee.jpg"))
      .extract({ left: 200, top: 0, width: 440, height: 428 })
      .png()
      .toBuffer();
    const before = await bluePixels(shifted);
    expect(before).toBeGreaterThan(500);
    const smart = await applyEdits(shifted, [{ op: "crop", aspect: "9:16", strategy: "attention" }]);
    const centre = await applyEdits(shifted, [{ op: "crop", aspect: "9:16", strategy: "centre" }]);
    const keptSmart = (await bluePixels(smart.bytes)) / before;
    const keptCentre = (await bluePixels(centre.bytes)) / before;
    expect(keptSmart).toBeGreaterThan(0.85);
    expect(keptSmart).toBeGreaterThan(keptCentre);
  });

  it("resizes to a target width keeping the aspect ratio", async () => {
    const out = await applyEdits(fixture("frisbee.jpg"), [{ op: "resize", width: 1080 }]);
    expect(out.width).toBe(1080);
    expect(Math.abs(out.height - (1080 * 428) / 640)).toBeLessThanOrEqual(1);
  });

  it("strips EXIF and GPS metadata", async () => {
    const tagged = await sharp(fixture("frisbee.jpg"))
      .withExif({
        IFD0: { Make: "TestCam", Copyright: "someone" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 24/1" },
      })
      .jpeg()
      .toBuffer();
    expect((await sharp(tagged).metadata()).exif).toBeDefined();
    const out = await applyEdits(tagged, [{ op: "look", name: "warm" }]);
    const meta = await sharp(out.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(out.bytes.includes(Buffer.from("TestCam"))).toBe(false);
  });

  it("applies EXIF orientation before cropping", async () => {
    const rotated = await sharp(fixture("frisbee.jpg")).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const out = await applyEdits(rotated, [{ op: "resize", width: 200 }]);
    // The stored 640×428 photo is shown turned, 428 wide and 640 tall.
    expect(out.height).toBeGreaterThan(out.width);
  });

  it("the autumn look shifts the mean hue of extreme_ironing.jpg toward orange", async () => {
    const input = fixture("extreme_ironing.jpg");
    const out = await applyEdits(input, [{ op: "look", name: "autumn" }]);
    const ORANGE = 30;
    const before = hueDistance(await meanHue(input), ORANGE);
    const after = hueDistance(await meanHue(out.bytes), ORANGE);
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(40);
  });

  it("the winter look cools the colour balance toward blue", async () => {
    const input = fixture("extreme_ironing.jpg");
    const out = await applyEdits(input, [{ op: "look", name: "winter" }]);
    const blueness = async (bytes: Buffer) => {
      const [r, , b] = (await sharp(bytes).stats()).channels;
      return (b?.mean ?? 0) - (r?.mean ?? 0);
    };
    expect((await blueness(out.bytes)) - (await blueness(input))).toBeGreaterThan(10);
  });

  it("mono removes colour", async () => {
    const out = await applyEdits(fixture("frisbee.jpg"), [{ op: "look", name: "mono" }]);
    const stats = await sharp(out.bytes).stats();
    const [r, g, b] = stats.channels.map((c) => c.mean) as [number, number, number];
    expect(Math.abs(r - g)).toBeLessThan(1.5);
    expect(Math.abs(g - b)).toBeLessThan(1.5);
  });

  it.each(LOOK_NAMES)("the %s look changes colours but not size", async (name) => {
    const input = fixture("waterview.jpg");
    const out = await applyEdits(input, [{ op: "look", name }]);
    const a = await sharp(input).stats();
    const b = await sharp(out.bytes).stats();
    const moved = a.channels
      .slice(0, 3)
      .reduce((sum, c, i) => sum + Math.abs(c.mean - (b.channels[i]?.mean ?? 0)), 0);
    expect(moved).toBeGreaterThan(3);
    expect(out.width).toBe((await sharp(input).metadata()).width);
  });

  it("enhance stretches contrast", async () => {
    const flat = await sharp(fixture("waterview.jpg")).linear(0.5, 64).jpeg().toBuffer();
    const out = await applyEdits(flat, [{ op: "enhance" }]);
    const before = await sharp(flat).stats();
    const after = await sharp(out.bytes).stats();
    expect(after.channels[0]?.stdev ?? 0).toBeGreaterThan((before.channels[0]?.stdev ?? 0) * 1.4);
  });

  it("blur lowers sharpness", async () => {
    const out = await applyEdits(fixture("frisbee.jpg"), [{ op: "blur", sigma: 4 }]);
    const before = await sharp(fixture("frisbee.jpg")).stats();
    const after = await sharp(out.bytes).stats();
    expect(after.sharpness).toBeLessThan(before.sharpness * 0.6);
  });

  it("a watermark marks the bottom-right corner with the bundled font, leaving the rest", async () => {
    const input = await sharp(fixture("frisbee.jpg")).png().toBuffer();
    const out = await applyEdits(input, [{ op: "watermark", text: "© llava-bot 2026" }]);
    const change = (left: number, top: number) =>
      changeIn(input, out.bytes, { left, top, width: 120, height: 20 });
    const corner = await change(500, 395);
    const elsewhere = await change(10, 10); // only JPEG re-encoding noise here
    expect(elsewhere).toBeLessThan(10);
    expect(corner).toBeGreaterThan(elsewhere * 2 + 10);
  });

  it("a caption band appears at the bottom centre", async () => {
    const input = fixture("frisbee.jpg");
    const out = await applyEdits(input, [{ op: "caption", text: "Sunday frisbee" }]);
    expect([out.width, out.height]).toEqual([640, 428]);
    // Re-encoding alone moves every pixel a little; the band and its words move the bottom centre far.
    const change = (left: number, top: number) =>
      changeIn(input, out.bytes, { left, top, width: 200, height: 20 });
    const band = await change(220, 395);
    const top = await change(220, 10);
    expect(top).toBeLessThan(10);
    expect(band).toBeGreaterThan(top * 2 + 10);
  });

  it("edits compose in order: look autumn + crop 4:5", async () => {
    const out = await applyEdits(fixture("extreme_ironing.jpg"), parseEdits("look autumn + crop 4:5"));
    expect(out.applied).toEqual(["autumn look", "cropped to 4:5"]);
    expect(Math.abs(out.width - (out.height * 4) / 5)).toBeLessThanOrEqual(1);
  });
});
