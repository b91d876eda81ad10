import { z } from "zod";
import { PROMPTS } from "../core/prompts.js";
import { askModel } from "./model-turn.js";
import type { Skill } from "./skill.js";

/** Splits "caption\nAlt text: ..." leniently; a model that gives one line gets it used for both. */
function splitCaption(raw: string): { caption: string; altText: string } {
  const text = raw.trim();
  const match = /\n?\s*alt[ -]?text\s*:\s*/i.exec(text);
  if (!match) return { caption: text, altText: text };
  const caption = text.slice(0, match.index).trim() || text.slice(match.index + match[0].length).trim();
  const altText = text.slice(match.index + match[0].length).trim() || caption;
  return { caption, altText };
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
