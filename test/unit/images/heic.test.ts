import sharp, { type Sharp } from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelPort } from "../../../src/core/model-port.js";
import { decodeHeic, heicDecodeCount } from "../../../src/images/heic/pool.js";
import { type LoadedImage, loadImage } from "../../../src/images/load.js";
import { addTransform, declareSize, primaryItem, setPrimary } from "../../../tools/heif-boxes.js";
import { fixture } from "../../helpers/images.js";
import { tinyModelPort } from "../../helpers/tiny-model.js";

const LIMITS = { maxBytes: 25 * 1024 * 1024, maxPixels: 50_000_000, maxEdge: 4096 };
const DAMAGED = "That image looks damaged or incomplete. Please upload it again.";

/** Mean absolute difference per channel value between two pictures, both squeezed to 48×48. */
async function difference(a: Sharp, b: Sharp): Promise<number> {
  const small = (s: Sharp) => s.resize(48, 48, { fit: "fill" }).removeAlpha().raw().toBuffer();
  const [x, y] = await Promise.all([small(a), small(b)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs((x[i] ?? 0) - (y[i] ?? 0));
  return sum / x.length;
}

/** The HEIC fixtures (test/fixtures/images/PROVENANCE.md says how each was made). */
const CASES = [
  {
    file: "heic-landscape.heic",
    source: "frisbee.jpg",
    size: [640, 428],
    colour: "green",
  },
  {
    // Stored sideways, as a phone's sensor sees it, with irot saying "turn 90° clockwise".
    file: "heic-portrait.heic",
    source: "cat_comp.jpeg",
    size: [1461, 2052],
    colour: "red",
  },
  {
    // Two images; the primary (extreme_ironing.jpg) is the second one stored.
    file: "heic-multi.heic",
    source: "extreme_ironing.jpg",
    size: [570, 380],
    colour: "black",
  },
] as const;

describe("HEIC/HEIF photos", () => {
  let model: ModelPort;
  const loaded = new Map<string, LoadedImage>();

  beforeAll(async () => {
    model = await tinyModelPort();
    await model.load();
    for (const c of CASES) loaded.set(c.file, await loadImage(fixture(c.file), LIMITS));
  });
  afterAll(() => model?.dispose());

  it.each(CASES)("$file decodes upright at $size and the tiny model names $colour", async (c) => {
    const img = loaded.get(c.file);
    expect(img?.format).toBe("heic");
    expect(img?.mime).toBe("image/jpeg");
    expect([img?.width, img?.height]).toEqual(c.size);
    const meta = await sharp(img?.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", ...c.size]);
    const answer = await model.generate({
      messages: [{ role: "user", content: "What colour is it?", imageCount: 1 }],
      images: img ? [img] : [],
    });
    expect(answer.text).toBe(c.colour);
  });

  it("the portrait is the source photo turned upright, not sideways or mirrored", async () => {
    const img = sharp(loaded.get("heic-portrait.heic")?.bytes);
    const source = () => sharp(fixture("cat_comp.jpeg"));
    const right = await difference(img.clone(), source().rotate(90));
    expect(right).toBeLessThan(4);
    // The wrong turns are far off, so the comparison can tell them apart.
    expect(await difference(img.clone(), source().rotate(-90))).toBeGreaterThan(right * 5);
    expect(await difference(img.clone(), source().rotate(90).flop())).toBeGreaterThan(right * 5);
  });

  it("the landscape and the multi-image primary match their source photos", async () => {
    for (const c of [CASES[0], CASES[2]]) {
      const d = await difference(sharp(loaded.get(c.file)?.bytes), sharp(fixture(c.source)));
      expect(d, c.file).toBeLessThan(4);
    }
  });

  it("a mirror (imir) is applied, after the rotation when both are there", async () => {
    const bytes = fixture("heic-landscape.heic");
    const primary = primaryItem(bytes);
    const source = () => sharp(fixture("frisbee.jpg"));
    // imir's mode as amended HEIF, libheif and iPhones read it: 1 left-to-right (a mirrored
    // front-camera selfie), 0 top-to-bottom.
    const selfie = await loadImage(addTransform(bytes, primary, { imir: 1 }), LIMITS);
    expect([selfie.width, selfie.height]).toEqual([640, 428]);
    expect(await difference(sharp(selfie.bytes), source().flop())).toBeLessThan(4);
    expect(await difference(sharp(selfie.bytes), source())).toBeGreaterThan(10);
    const upsideDown = await loadImage(addTransform(bytes, primary, { imir: 0 }), LIMITS);
    expect(await difference(sharp(upsideDown.bytes), source().flip())).toBeLessThan(4);
    // irot 1 (90° anti-clockwise), then the left-to-right mirror.
    const both = addTransform(addTransform(bytes, primary, { irot: 1 }), primary, { imir: 1 });
    const turned = await loadImage(both, LIMITS);
    expect([turned.width, turned.height]).toEqual([428, 640]);
    // (One sharp pipeline applies flop before rotate whatever the call order: two steps here.)
    const rotated = await source().rotate(-90).toBuffer();
    expect(await difference(sharp(turned.bytes), sharp(rotated).flop())).toBeLessThan(4);
    expect(await difference(sharp(turned.bytes), sharp(rotated).flip())).toBeGreaterThan(10);
  });

  it("the primary image is the one used, wherever it is stored", async () => {
    // heic-multi.heic holds item 2 (waterview.jpg, stored as a grid of tiles like an iPhone
    // photo) and item 3 (extreme_ironing.jpg, the primary); pointing pitm at 2 must follow.
    const bytes = fixture("heic-multi.heic");
    expect(primaryItem(bytes)).toBe(3);
    const img = await loadImage(setPrimary(bytes, 2), LIMITS);
    expect([img.width, img.height]).toEqual([1000, 667]);
    expect(await difference(sharp(img.bytes), sharp(fixture("waterview.jpg")))).toBeLessThan(4);
  });

  it("transparency is flattened onto white, as for a PNG", async () => {
    const img = await loadImage(fixture("heic-alpha.heic"), LIMITS);
    expect([img.width, img.height, img.mime]).toEqual([64, 48, "image/jpeg"]);
    const { data } = await sharp(img.bytes).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
    const [r = 0, g = 0, b = 0] = pixel(5, 24);
    expect(b).toBeGreaterThan(150); // the opaque half: blue
    expect(r + g).toBeLessThan(60);
    for (const channel of pixel(58, 24)) expect(channel).toBeGreaterThan(240); // the clear half: white, not red
  });

  it("a header declaring 20000×20000 is refused by the pixel limit without decoding", async () => {
    const bytes = fixture("heic-landscape.heic");
    const bomb = declareSize(bytes, primaryItem(bytes), 20_000, 20_000);
    const decodesBefore = heicDecodeCount();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await expect(loadImage(bomb, LIMITS)).rejects.toMatchObject({
      code: "image_too_many_pixels",
      message: "That image is 20000×20000 pixels (400 MP); the limit is 50 MP.",
    });
    const ms = performance.now() - started;
    // No thread was asked to decode it, and nothing near its decoded size (1.6 GB of RGBA) was held.
    expect(heicDecodeCount()).toBe(decodesBefore);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(20_000 * 20_000);
    // Refused from the header alone: well under a second (a generous bound, not a benchmark).
    expect(ms).toBeLessThan(1000);
  });

  it("the decoding thread checks the header's size too, before decoding", async () => {
    const bytes = fixture("heic-landscape.heic");
    const bomb = declareSize(bytes, primaryItem(bytes), 20_000, 20_000);
    expect(await decodeHeic(bomb, { maxPixels: 50_000_000, edge: 4096 })).toEqual({
      kind: "too-many-pixels",
      width: 20_000,
      height: 20_000,
    });
  });

  it("a truncated HEIC gets the same one sentence as any damaged image", async () => {
    const bytes = fixture("heic-portrait.heic");
    await expect(loadImage(bytes.subarray(0, Math.floor(bytes.length / 2)), LIMITS)).rejects.toMatchObject({
      code: "corrupt_image",
      message: DAMAGED,
    });
    const jpeg = fixture("frisbee.jpg");
    await expect(loadImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)), LIMITS)).rejects.toMatchObject({
      message: DAMAGED,
    });
    // Cut inside its header, or nothing but a HEIC signature: the same sentence.
    for (const header of [
      bytes.subarray(0, 400),
      Buffer.from("\0\0\0\x18ftypheic\0\0\0\0mif1heic", "latin1"),
    ])
      await expect(loadImage(header, LIMITS)).rejects.toMatchObject({
        code: "corrupt_image",
        message: DAMAGED,
      });
  });

  it("a HEIC over the byte limit is refused before anything else", async () => {
    const decodesBefore = heicDecodeCount();
    await expect(
      loadImage(fixture("heic-portrait.heic"), { ...LIMITS, maxBytes: 100_000 }),
    ).rejects.toMatchObject({ code: "image_too_large" });
    expect(heicDecodeCount()).toBe(decodesBefore);
  });
});
