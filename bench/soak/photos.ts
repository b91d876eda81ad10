/**
 * What bench:soak uploads: real photos from test/fixtures, flat colour swatches, a 48 MP photo
 * (near the 50 MP limit), a 12 MP iPhone HEIC, and the bad inputs people send: a truncated file,
 * a text file called .png, and a pixel bomb (100 MP of one colour, a small file).
 */

import sharp from "sharp";
import { colourPhoto, fixture } from "../../test/helpers/images.js";

export interface Photo {
  name: string;
  type: string;
  bytes: Buffer;
  /** A bad input: it must be refused with one clear sentence, never answered as a photo. */
  bad?: true;
}

/** A photo-like picture (a gradient with shapes) 8000×6000 by default: 48 MP, near the limit. */
async function bigPhoto(w: number): Promise<Buffer> {
  const h = Math.round((w * 3) / 4);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#2a6"/><stop offset="1" stop-color="#135"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${w * 0.3}" cy="${h * 0.4}" r="${h * 0.2}" fill="#d33"/>
    <rect x="${w * 0.6}" y="${h * 0.5}" width="${w * 0.25}" height="${h * 0.3}" fill="#fc3"/></svg>`;
  return sharp(Buffer.from(svg), { limitInputPixels: false }).jpeg({ quality: 85 }).toBuffer();
}

export async function soakPhotos(
  o: { bigEdge?: number } = {},
): Promise<{ good: Photo[]; big: Photo; bad: Photo[] }> {
  const png = (name: string, bytes: Buffer): Photo => ({ name, type: "image/png", bytes });
  const jpeg = (name: string): Photo => ({ name, type: "image/jpeg", bytes: fixture(name) });
  const frisbee = fixture("frisbee.jpg");
  const bomb = await sharp({
    create: { width: 10_000, height: 10_000, channels: 3, background: "#00f" },
    limitInputPixels: false,
  })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return {
    good: [
      png("red.png", await colourPhoto("red", 640, 480)),
      png("blue.png", await colourPhoto("blue", 1280, 960)),
      jpeg("frisbee.jpg"),
      jpeg("cat_comp.jpeg"),
      jpeg("extreme_ironing.jpg"),
      { name: "IMG_0001.HEIC", type: "image/heic", bytes: fixture("heic-12mp.heic") },
    ],
    big: { name: "big.jpg", type: "image/jpeg", bytes: await bigPhoto(o.bigEdge ?? 8000) },
    bad: [
      { name: "cut.jpg", type: "image/jpeg", bytes: frisbee.subarray(0, frisbee.length / 3), bad: true },
      {
        name: "notes.png",
        type: "image/png",
        bytes: Buffer.from("just some text, not a picture\n"),
        bad: true,
      },
      { name: "bomb.png", type: "image/png", bytes: bomb, bad: true },
    ],
  };
}
