import { CodedError, ErrorCode } from "../errors.js";
import type { SkillContext } from "./skill.js";

/** One question to the model about the request's images; the shared core of describe, ask and caption. */
export async function askModel(ctx: SkillContext, prompt: string, maxNewTokens?: number): Promise<string> {
  if (ctx.images.length === 0)
    throw new CodedError(
      ErrorCode.NoImage,
      "Please attach an image (JPEG, PNG, WebP or GIF) and I'll take a look.",
    );
  const result = await ctx.model.generate({
    messages: [{ role: "user", content: prompt, imageCount: ctx.images.length }],
    images: ctx.images,
    signal: ctx.signal,
    ...(maxNewTokens ? { maxNewTokens } : {}),
  });
  return result.text;
}
