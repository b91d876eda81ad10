import type { Op } from "./schema.js";

/** 12.5 → "12.5", 20 → "20". */
function num(n: number): string {
  return String(Math.round(Math.abs(n) * 10) / 10);
}

/** "warmer by 20 %" or "cooler by 20 %": the direction word for the amount's sign. */
function signed(amount: number, up: string, down: string): string {
  return `${amount > 0 ? up : down} by ${num(amount)} %`;
}

/**
 * What an operation did, in words the edit reader understands again, so people can repeat or
 * adjust it ("warmer by 20 %, then cropped to 1:1").
 */
export function describeOp(op: Op): string {
  switch (op.op) {
    case "crop":
      return op.strategy === "subject"
        ? `cropped to ${op.aspect} around the subject`
        : `cropped to ${op.aspect}`;
    case "background":
      return op.action === "remove"
        ? "background removed"
        : op.action === "blur"
          ? "background blurred"
          : `background ${op.colour ?? "#ffffff"}`;
    case "cropSubject":
      return op.aspect ? `cropped to the subject at ${op.aspect}` : "cropped to the subject";
    case "resize":
      return op.height ? `resized to ${op.width}x${op.height}` : `resized to ${op.width} px wide`;
    case "enhance":
      return "enhanced";
    case "look":
      return `${op.name} look`;
    case "blur":
      return `blurred by ${num(op.sigma)}`;
    case "caption":
      return `caption "${op.text}"`;
    case "watermark":
      return `watermark "${op.text}"`;
    case "brightness":
      return signed(op.amount, "brighter", "darker");
    case "contrast":
      return signed(op.amount, "more contrast", "less contrast");
    case "saturation":
      return signed(op.amount, "more saturated", "less saturated");
    case "warmth":
      return signed(op.amount, "warmer", "cooler");
    case "tint":
      return signed(op.amount, "more magenta", "greener");
    case "grayscale":
      return "black and white";
    case "sepia":
      return "sepia";
    case "sharpen":
      return `sharpened by ${num(op.amount)} %`;
    case "vignette":
      return `vignette ${num(op.amount)} %`;
    case "rotate":
      return op.degrees === 270 ? "rotated 90° counter-clockwise" : `rotated ${op.degrees}° clockwise`;
    case "flip":
      return op.axis === "horizontal" ? "mirrored" : "flipped vertically";
    case "straighten":
      return `straightened ${num(op.degrees)}° ${op.degrees > 0 ? "clockwise" : "counter-clockwise"}`;
  }
}

/** "warmer by 20 %, then cropped to 1:1". */
export function describeSteps(steps: string[]): string {
  return steps.join(", then ");
}
