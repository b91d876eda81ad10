import { z } from "zod";
import { PROMPTS } from "../core/prompts.js";
import { splitAltLine } from "./alt-line.js";
import { askModel } from "./model-turn.js";
import type { Skill } from "./skill.js";

/** Splits "caption\nAlt text: ..." leniently; a model that gives one line gets it used for both. */
function splitCaption(raw: string): { caption: string; altText: string } {
  const { text, alt } = splitAltLine(raw);
  const caption = text || alt || "";
  return { caption, altText: alt || caption };
}

/** Auto-caption of an upload: a short caption and an alt-text suggestion. */
export const caption = {
  name: "caption",
  description: "Write a short caption and alt text for the image.",
  params: z.object({}).default({}),
  async run(ctx) {
    const { caption: line, altText } = splitCaption(await askModel(ctx, PROMPTS.caption, 160));
    return {
      text: `${line}\nAlt text suggestion: ${altText}`,
      summary: line,
      data: { caption: line, altText },
    };
  },
} satisfies Skill;
