import sharp from "sharp";
import { configSchema } from "../../src/config/schema.js";
import type { ModelImage } from "../../src/core/model-port.js";
import { tinyModelDir } from "./tiny-model.js";

export type Box = [number, number, number, number];

export interface Shape {
  name: string;
  colour: string;
  kind: "square" | "circle" | "rectangle";
  box: Box;
}

/** A white 480×360 scene: a red square, a blue circle and a green rectangle at known places. */
export const SCENE: Shape[] = [
  { name: "red square", colour: "#ff0000", kind: "square", box: [60, 50, 180, 170] },
  { name: "blue circle", colour: "#0000ff", kind: "circle", box: [280, 150, 420, 290] },
  { name: "green rectangle", colour: "#00ff00", kind: "rectangle", box: [40, 240, 220, 320] },
];

function shapeSvg(s: Shape): string {
  const [x0, y0, x1, y1] = s.box;
  if (s.kind === "circle")
    return `<ellipse cx="${(x0 + x1) / 2}" cy="${(y0 + y1) / 2}" rx="${(x1 - x0) / 2}" ry="${(y1 - y0) / 2}" fill="${s.colour}"/>`;
  return `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="${s.colour}"/>`;
}

/** The shapes drawn flat on a plain background, as PNG (or JPEG, as a phone would send it). */
export async function sceneImage(
  shapes: Shape[] = SCENE,
  o: { width?: number; height?: number; background?: string; format?: "png" | "jpeg" } = {},
): Promise<ModelImage> {
  const { width = 480, height = 360, background = "#ffffff", format = "png" } = o;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/>${shapes.map(shapeSvg).join("")}</svg>`;
  const img = sharp(Buffer.from(svg)).removeAlpha();
  const bytes = await (format === "png" ? img.png() : img.jpeg({ quality: 92 })).toBuffer();
  return { bytes, mime: format === "png" ? "image/png" : "image/jpeg", width, height };
}

/** Where a shape really is: 1 for each pixel within 40 of its colour in the decoded image. */
export async function truthMask(image: ModelImage, colour: string): Promise<Uint8Array> {
  const want = [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16));
  const { data } = await sharp(image.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) {
    const d = want.reduce((sum, v, c) => sum + Math.abs((data[i * 3 + c] ?? 0) - v), 0);
    out[i] = d < 120 ? 1 : 0;
  }
  return out;
}

export function boxIoU(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const area = (r: Box) => (r[2] - r[0]) * (r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}

export function maskIoU(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return union === 0 ? 0 : inter / union;
}

/** The configuration every vision test uses: the three tools on their generated test models. */
export async function visionConfig() {
  return configSchema.parse({
    tools: {
      detect: { model: await tinyModelDir("grounding-dino") },
      segment: { model: await tinyModelDir("sam") },
      cutout: { model: await tinyModelDir("modnet") },
    },
  });
}
