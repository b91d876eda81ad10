import sharp, { type OverlayOptions } from "sharp";
import type { ModelImage } from "../../core/model-port.js";
import { escapeMarkup, FONT_FILE } from "../edit/overlay.js";
import type { Detection } from "./find.js";
import type { Mask } from "./outline.js";

/**
 * What the tools saw, drawn on the photo: a box per object with its label on a dark plate (white
 * text on 80 % black reads on any background), and masks as translucent colour.
 */

const PALETTE: [number, number, number][] = [
  [255, 64, 64],
  [64, 160, 255],
  [64, 220, 96],
  [255, 200, 0],
  [220, 80, 255],
  [0, 220, 220],
];

async function labelPlate(
  text: string,
  size: number,
): Promise<{ input: Buffer; width: number; height: number }> {
  const rendered = await sharp({
    text: {
      text: `<span foreground="white">${escapeMarkup(text)}</span>`,
      fontfile: FONT_FILE,
      font: `DejaVu Sans Bold ${size}`,
      rgba: true,
      dpi: 72,
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  const pad = Math.max(2, Math.round(size * 0.3));
  const width = rendered.info.width + 2 * pad;
  const height = rendered.info.height + 2 * pad;
  const input = await sharp({
    create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.8 } },
  })
    .composite([{ input: rendered.data, left: pad, top: pad }])
    .png()
    .toBuffer();
  return { input, width, height };
}

function maskLayer(mask: Mask, [r, g, b]: [number, number, number]): OverlayOptions {
  const rgba = Buffer.alloc(mask.width * mask.height * 4);
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) rgba.set([r, g, b, 110], i * 4);
  return { input: rgba, raw: { width: mask.width, height: mask.height, channels: 4 }, left: 0, top: 0 };
}

/** The photo with masks and labelled boxes on it, as JPEG. */
export async function drawFindings(
  image: ModelImage,
  detections: Detection[],
  masks: Mask[] = [],
): Promise<Buffer> {
  const { width, height } = image;
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 150));
  const fontSize = Math.max(11, Math.round(Math.min(width, height) / 28));
  const colour = (i: number) => PALETTE[i % PALETTE.length] as [number, number, number];
  const rects = detections
    .map(({ box: [x0, y0, x1, y1] }, i) => {
      const [r, g, b] = colour(i);
      const size = `x="${x0}" y="${y0}" width="${Math.max(1, x1 - x0)}" height="${Math.max(1, y1 - y0)}" fill="none"`;
      // A dark edge under the colour, so the box shows on a shape of its own colour too.
      return `<rect ${size} stroke="black" stroke-opacity="0.7" stroke-width="${stroke + 2}"/><rect ${size} stroke="rgb(${r},${g},${b})" stroke-width="${stroke}"/>`;
    })
    .join("");
  const layers: OverlayOptions[] = masks.map((m, i) => maskLayer(m, colour(i)));
  layers.push({
    input: Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${rects}</svg>`,
    ),
    left: 0,
    top: 0,
  });
  for (const d of detections) {
    const plate = await labelPlate(`${d.label} ${d.score.toFixed(2)}`, fontSize);
    if (plate.width > width || plate.height > height) continue;
    const [x0, y0] = d.box;
    // Above the box when there is room, else just inside its top edge.
    const top = y0 - plate.height >= 0 ? y0 - plate.height : Math.min(height - plate.height, y0);
    layers.push({ input: plate.input, left: Math.min(Math.max(0, x0), width - plate.width), top });
  }
  return sharp(image.bytes).removeAlpha().composite(layers).jpeg({ quality: 90 }).toBuffer();
}

/** A mask as a black-and-white PNG (white = the object). */
export function maskPng(mask: Mask): Promise<Buffer> {
  const grey = Buffer.alloc(mask.data.length);
  for (let i = 0; i < grey.length; i++) grey[i] = mask.data[i] ? 255 : 0;
  return sharp(grey, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .toColourspace("b-w")
    .png()
    .toBuffer();
}

/** The photo with `alpha` as its transparency, as PNG. */
export async function withAlpha(
  image: { bytes: Buffer; width: number; height: number },
  alpha: Uint8Array,
): Promise<Buffer> {
  // Two steps: in one sharp pipeline removeAlpha would run after joinChannel and drop the new alpha.
  const rgb = await sharp(image.bytes).removeAlpha().raw().toBuffer();
  return sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .joinChannel(Buffer.from(alpha), { raw: { width: image.width, height: image.height, channels: 1 } })
    .png()
    .toBuffer();
}
