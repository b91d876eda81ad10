import { z } from "zod";

/**
 * One vision tool's model: a hub id or a local folder (like model.id), loaded in-process on first
 * use. The defaults' licences allow commercial use (Apache-2.0).
 */
const toolModel = (id: string) =>
  z
    .object({
      model: z.string().min(1).default(id),
      /** ONNX precision; fp32 keeps small boxes and mask edges exact. */
      dtype: z.enum(["fp32", "fp16", "q8"]).default("fp32"),
    })
    .prefault({});

export const toolsSection = z
  .object({
    /** Open-vocabulary detection (Grounding DINO, OWLv2/OWL-ViT). */
    detect: toolModel("onnx-community/grounding-dino-tiny-ONNX"),
    /** Masks from boxes or points (SAM, SlimSAM). */
    segment: toolModel("Xenova/slimsam-77-uniform"),
    /** Background removal (MODNet, ISNet). */
    cutout: toolModel("Xenova/modnet"),
  })
  .prefault({});
