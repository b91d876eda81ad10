import { fileURLToPath } from "node:url";
import sharp, { type OverlayOptions } from "sharp";

export const FONT_FILE = fileURLToPath(new URL("../../../assets/fonts/DejaVuSans-Bold.ttf", import.meta.url));

export function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Text rendered with the bundled font on a translucent band, for contrast on any photo. */
export async function textOverlay(
  text: string,
  width: number,
  height: number,
  kind: "caption" | "watermark",
): Promise<OverlayOptions> {
  const size = Math.max(10, Math.round((kind === "caption" ? 0.045 : 0.03) * Math.min(width, height * 1.5)));
  const rendered = await sharp({
    text: {
      text: `<span foreground="white">${escapeMarkup(text)}</span>`,
      fontfile: FONT_FILE,
      font: `DejaVu Sans Bold ${size}`,
      width: Math.round(width * 0.9),
      rgba: true,
      dpi: 72,
      wrap: "word",
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  const pad = Math.round(size * 0.5);
  const bandW = Math.min(width, rendered.info.width + 2 * pad);
  const bandH = Math.min(height, rendered.info.height + 2 * pad);
  const band = await sharp({
    create: {
      width: bandW,
      height: bandH,
      channels: 4,
      background: { r: 0, g: 0, b: 0, alpha: kind === "caption" ? 0.55 : 0.35 },
    },
  })
    .composite([{ input: rendered.data, left: Math.min(pad, bandW - 1), top: Math.min(pad, bandH - 1) }])
    .png()
    .toBuffer();
  const margin = Math.round(Math.min(width, height) * 0.02);
  return kind === "caption"
    ? { input: band, left: Math.round((width - bandW) / 2), top: Math.max(0, height - bandH - margin) }
    : { input: band, left: Math.max(0, width - bandW - margin), top: Math.max(0, height - bandH - margin) };
}

/**
 * Darkened edges: a radial gradient from clear at the centre to black at the corners, as
 * translucent as the amount asks (100 leaves the corners at 85 % black).
 */
export async function vignetteOverlay(
  width: number,
  height: number,
  amount: number,
): Promise<OverlayOptions> {
  const edge = (0.85 * amount) / 100;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><radialGradient id="v" cx="50%" cy="50%" r="71%">
    <stop offset="45%" stop-color="black" stop-opacity="0"/>
    <stop offset="100%" stop-color="black" stop-opacity="${edge.toFixed(3)}"/>
  </radialGradient></defs>
  <rect width="100%" height="100%" fill="url(#v)"/>
</svg>`;
  return { input: Buffer.from(svg), left: 0, top: 0, blend: "over" };
}
