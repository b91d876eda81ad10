import { z } from "zod";
import { PROMPTS } from "../core/prompts.js";
import { askModel } from "./model-turn.js";
import type { Skill } from "./skill.js";

export const describe = {
  name: "describe",
  description: "Describe what is in the image.",
  params: z.object({}).default({}),
  async run(ctx) {
    const text = await askModel(ctx, PROMPTS.describe);
    return { text, summary: text };
  },
} satisfies Skill;
