/**
 * The flat colours the vision test models tell apart, as 0..1 RGB. The detector keeps one query
 * per colour; a word in its text picks which ones are asked for ("grey" and "gray" name the same).
 */
export const SHAPE_COLOURS = [
  { words: ["red"], rgb: [1, 0, 0] },
  { words: ["green"], rgb: [0, 1, 0] },
  { words: ["blue"], rgb: [0, 0, 1] },
  { words: ["yellow"], rgb: [1, 1, 0] },
  { words: ["cyan"], rgb: [0, 1, 1] },
  { words: ["magenta", "purple", "pink"], rgb: [1, 0, 1] },
  { words: ["white"], rgb: [1, 1, 1] },
  { words: ["black"], rgb: [0, 0, 0] },
  { words: ["grey", "gray"], rgb: [0.5, 0.5, 0.5] },
] as const;

/**
 * Summed |ΔR|+|ΔG|+|ΔB| (0..3) under which a pixel counts as a colour: flat shapes and their
 * photographed or JPEG-compressed copies pass, blends along edges between two colours do not.
 */
export const COLOUR_DISTANCE = 0.45;
/** How steeply the soft colour test goes from 0 to 1 around that distance. */
export const COLOUR_GAIN = 60;
