import { z } from "zod";
import { askModel } from "./model-turn.js";
import type { Skill } from "./skill.js";

export const ask = {
  name: "ask",
  description: "Answer a question about the image.",
  params: z.object({ question: z.string().min(1).max(2000) }),
  async run(ctx, params) {
    const text = await askModel(ctx, params.question);
    return { text, summary: text };
  },
} satisfies Skill<z.ZodObject<{ question: z.ZodString }>>;
