import type { Box, Detection } from "./find.js";

/**
 * Tool results in the compact form LLaVA-Plus is trained to read back, the dict of
 * `grounding_dino model outputs: {'boxes': [[0.12, 0.3, 0.45, 0.9]], 'logits': [0.61], 'phrases': ['dog']}`
 * (boxes normalised to the image, two decimals; no masks or pixels). The planner writes the
 * "<tool> model outputs: " before it, with the name the model called the tool by.
 */

const two = (v: number) => {
  const s = (Math.round(v * 100) / 100).toString();
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
};

/** A Python-style quoted string, as LLaVA-Plus's outputs print. */
const quoted = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function normalisedBox([x0, y0, x1, y1]: Box, width: number, height: number): number[] {
  return [x0 / width, y0 / height, x1 / width, y1 / height];
}

export function toolOutputs(fields: Record<string, unknown>): string {
  const value = (v: unknown): string => {
    if (typeof v === "number") return two(v);
    if (typeof v === "string") return quoted(v);
    if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
    return String(v);
  };
  const body = Object.entries(fields)
    .map(([k, v]) => `${quoted(k)}: ${value(v)}`)
    .join(", ");
  return `{${body}}`;
}

export function detectionOutputs(found: Detection[], width: number, height: number): string {
  return toolOutputs({
    boxes: found.map((d) => normalisedBox(d.box, width, height)),
    logits: found.map((d) => d.score),
    phrases: found.map((d) => d.label),
  });
}

/** "2 red squares" style counts for the answer: "red square ×2, blue circle". */
export function foundSentence(found: Detection[]): string {
  const counts = new Map<string, number>();
  for (const d of found) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
  const parts = [...counts].map(([label, n]) => (n > 1 ? `${n} × ${label}` : label));
  return `${found.length} found: ${parts.join(", ")}`;
}
