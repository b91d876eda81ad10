import { z } from "zod";
import type { ModelImage } from "../../core/model-port.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Skill, SkillContext, SkillImage } from "../skill.js";
import { ground, groundingParams, photoOf } from "./detect.js";
import { drawFindings, maskPng } from "./draw.js";
import type { Box, Detection } from "./find.js";
import { type Mask, maskBox, maskForPoints, masksForBoxes } from "./outline.js";
import { foundSentence, normalisedBox, toolOutputs } from "./summary.js";

/** Masks sent back as files, at most (the overlay shows every one). */
const MAX_MASK_FILES = 6;

const pair = z.array(z.coerce.number()).length(2);
const params = groundingParams.extend({
  /** [x0, y0, x1, y1] per object, normalised (0..1, as LLaVA-Plus writes them) or in pixels. */
  boxes: z.array(z.array(z.coerce.number()).length(4)).max(16).optional(),
  points: z.array(pair).max(16).optional(),
  /** 1 for a point on the object, 0 for one off it (SAM's labels). */
  point_labels: z.array(z.coerce.number().int()).max(16).optional(),
});
type Params = z.infer<typeof params>;

/** Coordinates given as fractions (all within 0..1) scaled to the image; whole pixels inside it. */
function toPixels(values: number[][], image: ModelImage): number[][] {
  const normalised = values.every((v) => v.every((n) => n >= 0 && n <= 1));
  return values.map((v) =>
    v.map((n, i) => {
      const size = i % 2 === 0 ? image.width : image.height;
      return Math.min(size, Math.max(0, Math.round(normalised ? n * size : n)));
    }),
  );
}

interface Outlined {
  objects: Detection[];
  masks: Mask[];
  /** The LLaVA-Plus tool this call stands for: sam (boxes, points) or grounding_dino+sam (words). */
  tool: string;
}

/** Masks from the call's boxes, else its points, else from detecting its words. */
async function outline(ctx: SkillContext, p: Params): Promise<Outlined> {
  const image = photoOf(ctx, "outline");
  if (p.boxes?.length) {
    const boxes = toPixels(p.boxes, image) as Box[];
    ctx.progress?.("outlining");
    const masks = await masksForBoxes(ctx.config, image, boxes);
    return {
      objects: boxes.map((box, i) => ({ label: `object ${i + 1}`, score: masks[i]?.score ?? 0, box })),
      masks,
      tool: "sam",
    };
  }
  if (p.points?.length) {
    const points = toPixels(p.points, image) as [number, number][];
    const labels = points.map((_, i) => p.point_labels?.[i] ?? 1);
    ctx.progress?.("outlining");
    const masks = (await maskForPoints(ctx.config, image, points, labels)).filter((m) => maskBox(m));
    return {
      objects: masks.map((m) => ({ label: "object", score: m.score, box: maskBox(m) as Box })),
      masks,
      tool: "sam",
    };
  }
  const { found } = await ground(ctx, p, "outline");
  ctx.progress?.("outlining");
  const masks = await masksForBoxes(
    ctx.config,
    image,
    found.map((d) => d.box),
  );
  return { objects: found, masks, tool: "grounding_dino+sam" };
}

export const segment = {
  name: "segment",
  usesModel: false,
  description:
    'Outline objects (LLaVA-Plus\'s sam / grounding_dino+sam): from words ("caption"), from "boxes" [[x0,y0,x1,y1]] or from "points" [[x,y]] with "point_labels" (0..1 of the image). Returns the masks drawn on the photo and one PNG mask per object.',
  params,
  async run(ctx, p) {
    const image = photoOf(ctx, "outline");
    if (!p.boxes?.length && !p.points?.length && !(p.caption || ctx.text).trim())
      throw new CodedError(ErrorCode.BadRequest, 'Say what to outline, e.g. "the dog" or "red square".');
    const { objects, masks, tool } = await outline(ctx, p);
    const summary = toolOutputs({
      boxes: objects.map((d) => normalisedBox(d.box, image.width, image.height)),
      logits: objects.map((d) => d.score),
      phrases: objects.map((d) => d.label),
    });
    if (objects.length === 0)
      return { text: "I found nothing to outline there.", summary, data: { objects: [] } };
    const drawn = await drawFindings(image, objects, masks);
    const files: SkillImage[] = [
      {
        bytes: drawn,
        mime: "image/jpeg",
        width: image.width,
        height: image.height,
        filename: "outlined.jpg",
        altText: `The photo with outlines over: ${objects.map((d) => d.label).join(", ")}.`.slice(0, 1000),
      },
    ];
    for (const [i, m] of masks.slice(0, MAX_MASK_FILES).entries())
      files.push({
        bytes: await maskPng(m),
        mime: "image/png",
        width: m.width,
        height: m.height,
        filename: `mask-${i + 1}.png`,
        altText: `Mask of ${objects[i]?.label ?? "the object"}: white where it is.`,
      });
    return {
      text: `Outlined ${foundSentence(objects).replace(" found", "")}.`,
      images: files,
      summary,
      data: { objects, tool, width: image.width, height: image.height },
    };
  },
} satisfies Skill<typeof params>;
