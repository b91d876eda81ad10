import type { Sharp } from "sharp";

/**
 * Named colour grades. A look changes colour balance, saturation and contrast only: it is a
 * grade, not a generative edit, and is named as such to users ("autumn look").
 */
export const LOOKS = {
  // warm oranges and golds, a little more saturated
  autumn: (img) =>
    img
      .recomb([
        [1.12, 0.08, 0],
        [0.04, 0.96, 0],
        [0, 0.04, 0.72],
      ])
      .modulate({ saturation: 1.15 }),
  // cold blue cast, muted saturation, slightly brighter
  winter: (img) =>
    img
      .recomb([
        [0.86, 0.04, 0.04],
        [0.02, 0.96, 0.06],
        [0.02, 0.08, 1.12],
      ])
      .modulate({ saturation: 0.8, brightness: 1.05 }),
  // fresh greens and pastels
  spring: (img) =>
    img
      .recomb([
        [1.0, 0.04, 0.0],
        [0.02, 1.08, 0.02],
        [0.02, 0.04, 0.98],
      ])
      .modulate({ saturation: 1.12, brightness: 1.06 }),
  // bright and saturated, a touch warm
  summer: (img) =>
    img
      .recomb([
        [1.06, 0.02, 0],
        [0.02, 1.02, 0],
        [0, 0.02, 0.94],
      ])
      .modulate({ saturation: 1.3, brightness: 1.05 }),
  // faded sepia with lifted blacks
  vintage: (img) =>
    img
      .recomb([
        [0.39, 0.77, 0.19],
        [0.35, 0.69, 0.17],
        [0.27, 0.53, 0.13],
      ])
      .linear(0.85, 22),
  mono: (img) => img.grayscale().linear(1.1, -12),
  warm: (img) =>
    img.recomb([
      [1.08, 0.02, 0],
      [0, 1.0, 0],
      [0, 0, 0.88],
    ]),
  cool: (img) =>
    img.recomb([
      [0.9, 0, 0],
      [0, 1.0, 0.02],
      [0, 0.02, 1.1],
    ]),
} as const satisfies Record<string, (img: Sharp) => Sharp>;

export type LookName = keyof typeof LOOKS;
export const LOOK_NAMES = Object.keys(LOOKS) as LookName[];

export function isLook(name: string): name is LookName {
  return Object.hasOwn(LOOKS, name);
}
