import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { loadImage } from "../../../src/images/load.js";
import { sniff } from "../../../src/images/sniff.js";
import { fixture } from "../../helpers/images.js";

const LIMITS = { maxBytes: 25 * 1024 * 1024, maxPixels: 50_000_000, maxEdge: 1024 };

describe("sniff", () => {
  it("tells formats from bytes, not names", () => {
    expect(sniff(fixture("frisbee.jpg"))).toBe("jpeg");
    expect(sniff(fixture("calendar.png"))).toBe("png");
    expect(sniff(fixture("dog_phone.webp"))).toBe("webp");
    expect(sniff(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'></svg>"))).toBe("svg");
    expect(sniff(Buffer.from("\0\0\0\x18ftypheic\0\0\0\0mif1heic", "latin1"))).toBe("heic");
    expect(sniff(Buffer.from("hello, world"))).toBe("unknown");
  });
});

describe("loadImage", () => {
  it("shrinks a large photo on load and re-encodes it", async () => {
    const img = await loadImage(fixture("cat_comp.jpeg"), LIMITS);
    expect(Math.max(img.width, img.height)).toBe(1024);
    expect(img.mime).toBe("image/jpeg");
    expect(img.original.width).toBeGreaterThan(1024);
    const meta = await sharp(img.bytes).metadata();
    expect(meta.width).toBe(img.width);
  });

  it("reads WebP and keeps small images at their size", async () => {
    const img = await loadImage(fixture("dog_phone.webp"), { ...LIMITS, maxEdge: 8000 });
    const meta = await sharp(fixture("dog_phone.webp")).metadata();
    expect([img.width, img.height]).toEqual([meta.width, meta.height]);
    expect(img.format).toBe("webp");
  });

  it("applies EXIF orientation", async () => {
    const rotated = await sharp(fixture("frisbee.jpg")).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const raw = await sharp(rotated).metadata();
    const img = await loadImage(rotated, { ...LIMITS, maxEdge: 8000 });
    // Orientation 6 is a 90° turn: width and height swap.
    expect([img.width, img.height]).toEqual([raw.height, raw.width]);
  });

  it("flattens transparency onto white", async () => {
    const png = await sharp({
      create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const img = await loadImage(png, LIMITS);
    const stats = await sharp(img.bytes).stats();
    expect(stats.channels[0]?.mean).toBe(255);
    expect(stats.isOpaque).toBe(true);
  });

  it("refuses a file over the byte limit with the sizes", async () => {
    await expect(
      loadImage(fixture("cat_comp.jpeg"), { ...LIMITS, maxBytes: 1024 * 1024 }),
    ).rejects.toMatchObject({
      code: "image_too_large",
      message: expect.stringMatching(/3\.2 MB; the limit is 1 MB/),
    });
  });

  it("refuses an image over the pixel limit before decoding it", async () => {
    await expect(
      loadImage(fixture("cat_comp.jpeg"), { ...LIMITS, maxPixels: 1_000_000 }),
    ).rejects.toMatchObject({
      code: "image_too_many_pixels",
    });
  });

  it("refuses a header that claims an enormous canvas", async () => {
    // A valid PNG header claiming 100000 × 100000 pixels, with no real data behind it.
    const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    const forged = Buffer.from(png);
    forged.writeUInt32BE(100_000, 16);
    forged.writeUInt32BE(100_000, 20);
    await expect(loadImage(forged, LIMITS)).rejects.toMatchObject({
      code: expect.stringMatching(/image_too_many_pixels|corrupt_image/),
    });
  });

  it("detects a truncated JPEG and PNG", async () => {
    const jpeg = fixture("frisbee.jpg");
    await expect(loadImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)), LIMITS)).rejects.toMatchObject({
      code: "corrupt_image",
    });
    const png = fixture("calendar.png");
    await expect(loadImage(png.subarray(0, Math.floor(png.length / 2)), LIMITS)).rejects.toMatchObject({
      code: "corrupt_image",
    });
  });

  it.each([
    ["an SVG", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"), /SVG/],
    ["a text file", Buffer.from("just some text, not an image"), /not an image/],
    ["a PDF", Buffer.from("%PDF-1.7\n%âãÏÓ\n"), /PDF/],
  ])("refuses %s with a clear sentence", async (_name, bytes, pattern) => {
    await expect(loadImage(bytes, LIMITS)).rejects.toMatchObject({
      code: "unsupported_format",
      message: expect.stringMatching(pattern),
    });
  });
});
