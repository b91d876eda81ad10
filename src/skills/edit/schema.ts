import { z } from "zod";
import { LOOK_NAMES } from "./looks.js";

const ASPECT_PATTERN = /^\d+(\.\d+)?:\d+(\.\d+)?$/;

/** A change in percent: -100 (all the way down) to 100 (double, or as strong as it goes). */
const percent = (fallback: number) =>
  z
    .number()
    .min(-100)
    .max(100)
    .refine((v) => v !== 0, "an amount of 0 changes nothing")
    .default(fallback);
/** A strength for effects that only go one way. */
const strength = (fallback: number) => z.number().min(1).max(100).default(fallback);

/**
 * Edit operations, applied in order. Every one is a real pixel operation on the user's photo.
 * Strict objects: a key nobody asked for (a model's typo) is refused, never silently dropped.
 */
export const editOpSchema = z.discriminatedUnion("op", [
  z.strictObject({
    op: z.literal("crop"),
    aspect: z.string().regex(ASPECT_PATTERN, "an aspect ratio is W:H, e.g. 4:5"),
    // "subject": around what the background remover keeps (attention when it cannot run).
    strategy: z.enum(["attention", "entropy", "centre", "subject"]).default("attention"),
  }),
  // The subject alone (tools.cutout.model): transparent, on a colour, or on a blurred copy of the photo.
  z.strictObject({
    op: z.literal("background"),
    action: z.enum(["remove", "colour", "blur"]),
    /** For "colour" (white when not given). */
    colour: z
      .string()
      .regex(/^#[0-9a-f]{6}$/i, "a colour is #rrggbb")
      .optional(),
    /** For "blur". */
    sigma: z.number().min(0.3).max(100).optional(),
  }),
  // Tight around the subject (with a margin), or the smallest window of an aspect ratio around it.
  z.strictObject({
    op: z.literal("cropSubject"),
    aspect: z.string().regex(ASPECT_PATTERN, "an aspect ratio is W:H, e.g. 4:5").optional(),
  }),
  // With a height too, the exact size (cover, attention-centred), so a preset's ratio holds to the pixel.
  z.strictObject({
    op: z.literal("resize"),
    width: z.number().int().min(16).max(8192),
    height: z.number().int().min(16).max(8192).optional(),
  }),
  z.strictObject({ op: z.literal("enhance") }),
  z.strictObject({ op: z.literal("look"), name: z.enum(LOOK_NAMES as [string, ...string[]]) }),
  z.strictObject({ op: z.literal("blur"), sigma: z.number().min(0.3).max(100).default(6) }),
  z.strictObject({ op: z.literal("caption"), text: z.string().min(1).max(200) }),
  z.strictObject({ op: z.literal("watermark"), text: z.string().min(1).max(100) }),
  z.strictObject({ op: z.literal("brightness"), amount: percent(20) }),
  z.strictObject({ op: z.literal("contrast"), amount: percent(20) }),
  z.strictObject({ op: z.literal("saturation"), amount: percent(20) }),
  // Positive is warmer (more red and yellow), negative cooler (more blue).
  z.strictObject({ op: z.literal("warmth"), amount: percent(20) }),
  // Positive is towards magenta, negative towards green.
  z.strictObject({ op: z.literal("tint"), amount: percent(20) }),
  z.strictObject({ op: z.literal("grayscale") }),
  z.strictObject({ op: z.literal("sepia") }),
  z.strictObject({ op: z.literal("sharpen"), amount: strength(50) }),
  z.strictObject({ op: z.literal("vignette"), amount: strength(50) }),
  // Clockwise, in quarter turns.
  z.strictObject({
    op: z.literal("rotate"),
    degrees: z.union([z.literal(90), z.literal(180), z.literal(270)]),
  }),
  z.strictObject({ op: z.literal("flip"), axis: z.enum(["horizontal", "vertical"]).default("horizontal") }),
  // A small turn (positive is clockwise), cropped so that no empty corner shows.
  z.strictObject({
    op: z.literal("straighten"),
    degrees: z
      .number()
      .min(-15)
      .max(15)
      .refine((v) => v !== 0, "an angle of 0 changes nothing"),
  }),
]);

export type EditOp = z.input<typeof editOpSchema>;
export type Op = z.output<typeof editOpSchema>;
export type OpName = Op["op"];
