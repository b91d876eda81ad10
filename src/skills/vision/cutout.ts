import { z } from "zod";
import type { Config } from "../../config/schema.js";
import type { ModelImage } from "../../core/model-port.js";
import type { Skill } from "../skill.js";
import { photoOf } from "./detect.js";
import { withAlpha } from "./draw.js";
import { DEFAULT_THRESHOLDS, detectObjects, phrasesOf } from "./find.js";
import { subjectAlpha } from "./matte.js";
import { type Mask, maskBox, masksForBoxes } from "./outline.js";
import { normalisedBox, toolOutputs } from "./summary.js";

const params = z.object({
  /** A named object to cut out ("the mug"); without one, the main subject. */
  caption: z.string().trim().max(300).optional(),
});

export interface Cut {
  alpha: Uint8Array;
  /** What was kept, in words. */
  what: string;
}

/** The named objects' masks (detect, then SAM) or, without a name, the background remover's matte. */
export async function cutOut(config: Config, image: ModelImage, name?: string): Promise<Cut | undefined> {
  const phrases = name ? phrasesOf(name) : [];
  if (phrases.length === 0) return { alpha: await subjectAlpha(config, image), what: "the subject" };
  const found = await detectObjects(config, image, phrases, DEFAULT_THRESHOLDS);
  if (found.length === 0) return undefined;
  const masks = await masksForBoxes(
    config,
    image,
    found.map((d) => d.box),
  );
  const alpha = new Uint8Array(image.width * image.height);
  for (const m of masks) for (let i = 0; i < alpha.length; i++) if (m.data[i]) alpha[i] = 255;
  return { alpha, what: [...new Set(found.map((d) => d.label))].join(", ") };
}

/** The box around every pixel an alpha channel keeps (at least half opaque). */
export function alphaBox(alpha: Uint8Array, width: number, height: number) {
  const data = Uint8Array.from(alpha, (a) => (a >= 128 ? 1 : 0));
  return maskBox({ width, height, data } satisfies Pick<Mask, "width" | "height" | "data">);
}

export const cutout = {
  name: "cutout",
  usesModel: false,
  description:
    'Cut the main subject out onto a transparent background (background removal), or a named object ("caption": "the mug"). Returns a transparent PNG.',
  params,
  async run(ctx, p) {
    const image = photoOf(ctx, "cut out");
    ctx.progress?.("cutting out");
    const cut = await cutOut(ctx.config, image, p.caption);
    if (!cut)
      return {
        text: `I found no ${p.caption} in this photo to cut out.`,
        summary: toolOutputs({ boxes: [], phrases: [] }),
      };
    const box = alphaBox(cut.alpha, image.width, image.height);
    const summary = toolOutputs({
      boxes: box ? [normalisedBox(box, image.width, image.height)] : [],
      phrases: [cut.what],
    });
    if (!box) return { text: "I could not find a subject to cut out in this photo.", summary };
    return {
      text: `Cut out ${cut.what} on a transparent background.`,
      images: [
        {
          bytes: await withAlpha(image, cut.alpha),
          mime: "image/png",
          width: image.width,
          height: image.height,
          filename: "cutout.png",
          altText: `${cut.what[0]?.toUpperCase()}${cut.what.slice(1)}, cut out on a transparent background.`,
        },
      ],
      summary,
      data: { box },
    };
  },
} satisfies Skill<typeof params>;
