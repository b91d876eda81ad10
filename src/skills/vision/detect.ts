import { z } from "zod";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Skill, SkillContext } from "../skill.js";
import { drawFindings } from "./draw.js";
import { DEFAULT_THRESHOLDS, type Detection, detectObjects, phrasesOf } from "./find.js";
import { detectionOutputs, foundSentence } from "./summary.js";

const threshold = z.coerce.number().min(0.01).max(0.99);

/** LLaVA-Plus's grounding parameters: caption (what to find), box_threshold, text_threshold. */
export const groundingParams = z.object({
  caption: z.string().trim().max(300).optional(),
  box_threshold: threshold.default(DEFAULT_THRESHOLDS.box),
  text_threshold: threshold.default(DEFAULT_THRESHOLDS.text),
});
type GroundingParams = z.infer<typeof groundingParams>;

export function photoOf(ctx: SkillContext, what: string) {
  const image = ctx.images[0];
  if (!image) throw new CodedError(ErrorCode.NoImage, `Please attach the photo to ${what}.`);
  return image;
}

/** The phrases asked for (the caption, else the user's words) and what was found for them. */
export async function ground(
  ctx: SkillContext,
  p: GroundingParams,
  verb: string,
): Promise<{ phrases: string[]; found: Detection[] }> {
  const image = photoOf(ctx, verb);
  const phrases = phrasesOf(p.caption || ctx.text);
  if (phrases.length === 0)
    throw new CodedError(ErrorCode.BadRequest, `Say what to ${verb}, e.g. "the dog" or "red square".`);
  ctx.progress?.("finding objects");
  const found = await detectObjects(ctx.config, image, phrases, {
    box: p.box_threshold,
    text: p.text_threshold,
  });
  return { phrases, found };
}

export const detect = {
  name: "detect",
  usesModel: false,
  description:
    'Find objects in the photo from words (open-vocabulary detection, LLaVA-Plus\'s grounding_dino): "caption" names what to find ("dog . red mug"). Returns labelled boxes drawn on the photo.',
  params: groundingParams,
  async run(ctx, p) {
    const image = photoOf(ctx, "search");
    const { phrases, found } = await ground(ctx, p, "find");
    const summary = detectionOutputs(found, image.width, image.height);
    if (found.length === 0)
      return { text: `I found no ${phrases.join(" or ")} in this photo.`, summary, data: { detections: [] } };
    const drawn = await drawFindings(image, found);
    return {
      text: `${foundSentence(found)}.`,
      images: [
        {
          bytes: drawn,
          mime: "image/jpeg",
          width: image.width,
          height: image.height,
          filename: "detected.jpg",
          altText: `The photo with boxes around: ${found.map((d) => d.label).join(", ")}.`.slice(0, 1000),
        },
      ],
      summary,
      data: { detections: found, width: image.width, height: image.height },
    };
  },
} satisfies Skill<typeof groundingParams>;
