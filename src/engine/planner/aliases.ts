import type { SkillName } from "../../skills/index.js";

/**
 * LLaVA-Plus's tool names (its serving code and training data) → our skills. A checkpoint served
 * by vLLM calls its tools by these names; the parameters it writes (caption, boxes, points,
 * point_labels, box_threshold, text_threshold) are the vision skills' own. Image generation names
 * only resolve where a backend is configured (otherwise `generate` is not among the tools).
 */
const LLAVA_PLUS_NAMES: Record<string, SkillName> = {
  grounding_dino: "detect",
  "ram+grounding_dino": "detect",
  "blip2+grounding_dino": "detect",
  sam: "segment",
  "grounding_dino+sam": "segment",
  grounded_sam: "segment",
  "semantic-sam": "segment",
  seem: "segment",
  easyocr: "ocr",
  "instruct-pix2pix": "generate",
  stable_diffusion: "generate",
  inpainting: "generate",
};

/** The skill a called name stands for: our own names first, then LLaVA-Plus's. */
export function skillNameFor(name: string): string {
  return LLAVA_PLUS_NAMES[name.trim().toLowerCase()] ?? name;
}

/** LLaVA-Plus's parameters in our skills' terms: the generators' prompt may come as a caption or text. */
export function paramsFor(name: string, params: Record<string, unknown>): Record<string, unknown> {
  if (skillNameFor(name) !== "generate" || typeof params.prompt === "string") return params;
  const prompt = params.caption ?? params.text ?? params.instruction;
  return typeof prompt === "string" ? { ...params, prompt } : params;
}
