import { z } from "zod";
import type { PostBundle } from "../../core/jobs.js";
import { PLATFORM_NAMES, type PlatformName, TONES } from "../../core/post-state.js";
import { PROMPTS } from "../../core/prompts.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { LOOK_NAMES } from "../edit/index.js";
import { recognise } from "../ocr/index.js";
import type { Skill, SkillContext } from "../skill.js";
import { collectCaptions } from "./captions.js";
import { composePost } from "./compose.js";
import { hashtagsFrom, writtenHashtags } from "./hashtags.js";
import { preparePostImage } from "./image.js";
import { altRule, presetFor } from "./presets.js";
import { ALT_PROMPT, type CaptionBrief, captionPrompt, oneCaptionPrompt } from "./prompts.js";
import { captionCount, postText } from "./summary.js";
import { trimToLimit } from "./trim.js";

export { PLATFORM_NAMES, TONES } from "../../core/post-state.js";

const params = z.object({
  platform: z.enum(PLATFORM_NAMES as [string, ...string[]]).default("instagram"),
  tone: z.enum(TONES).default("casual"),
  variants: z.coerce.number().int().min(1).max(5).default(3),
  look: z.enum(LOOK_NAMES as [string, ...string[]]).optional(),
  lang: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "a language code such as en, de or pt-BR")
    .default("en"),
  watermark: z.string().max(100).optional(),
  /** What the user asked in their own words, when the post came from a mention. */
  request: z.string().max(1000).optional(),
});

async function modelText(
  ctx: SkillContext,
  prompt: string,
  maxNewTokens: number,
  temperature?: number,
): Promise<string> {
  const out = await ctx.model.generate({
    messages: [{ role: "user", content: prompt, imageCount: 1 }],
    images: ctx.images.slice(0, 1),
    signal: ctx.signal,
    maxNewTokens,
    ...(temperature !== undefined ? { temperature } : {}),
  });
  return out.text.trim();
}

/** Temperature for the n-th extra ask: sampled, a little warmer each time the model repeats itself. */
function extraAskTemperature(base: number, attempt: number): number {
  return Math.min(1.5, base + 0.1 * attempt);
}

/** Text in the photo, when OCR reads it confidently; never fails the post. */
async function photoText(bytes: Buffer, ocrWorkers: number): Promise<string> {
  try {
    const result = await recognise(bytes, ocrWorkers);
    return result.lines
      .filter((l) => l.confidence >= 75 && l.text.split(/\s+/).length >= 2)
      .map((l) => l.text)
      .join(" ");
  } catch {
    return "";
  }
}

function cleanAlt(text: string): string {
  return text
    .replace(/^(an?\s+)?(image|photo|picture)\s+(of|showing)\s+/i, "")
    .replace(/^\w/, (c) => c.toUpperCase());
}

export const post = {
  name: "post",
  description: `Prepare a social-media post from the photo: cropped image, caption variants, hashtags and alt text. Platforms: ${PLATFORM_NAMES.join(", ")}.`,
  params,
  async run(ctx, p) {
    const image = ctx.images[0];
    if (!image) throw new CodedError(ErrorCode.NoImage, "Please attach the photo you want to post.");
    const platform = p.platform as PlatformName;
    const preset = presetFor(platform, {
      instagramHashtags: ctx.config.post.instagramHashtags,
      limits: await ctx.networkLimits?.(platform),
    });
    ctx.progress?.("describing the photo");
    const description = (await modelText(ctx, PROMPTS.describe, 200)) || "a photo";
    const altRaw = preset.altLimit ? await modelText(ctx, ALT_PROMPT, 160) : "";
    ctx.progress?.("reading text in the photo");
    const ocr = await photoText(image.bytes, ctx.config.engine.ocrWorkers);
    ctx.progress?.("writing captions");
    const brief: CaptionBrief = {
      preset,
      tone: p.tone,
      lang: p.lang,
      description,
      ...(ocr ? { ocr } : {}),
      ...(p.request ? { request: p.request } : {}),
    };
    const answers: string[] = [];
    const collected = await collectCaptions({
      wanted: p.variants,
      maxExtraCalls: ctx.config.post.maxExtraCalls,
      signal: ctx.signal,
      askSet: async () => {
        const text = await modelText(ctx, captionPrompt({ ...brief, variants: p.variants }), 400);
        answers.push(text);
        return text;
      },
      askOne: async (written, attempt) => {
        ctx.progress?.(`writing caption ${written.length + 1} of ${p.variants}`);
        const text = await modelText(
          ctx,
          oneCaptionPrompt({ ...brief, written }),
          160,
          extraAskTemperature(ctx.config.post.sampleTemperature, attempt),
        );
        answers.push(text);
        return text;
      },
    });
    const hashtags = [
      ...new Set([...writtenHashtags(answers), ...hashtagsFrom([description, ocr], preset.maxHashtags)]),
    ].slice(0, preset.maxHashtags);
    const variants = collected.captions.map((c) => composePost(c, hashtags, preset));
    // A story takes no alt text (the Graph API has no field for it), so none is written for one.
    const altText = preset.altLimit ? trimToLimit(cleanAlt(altRaw || description), altRule(preset)) : "";

    ctx.progress?.("preparing the image");
    const prepared = await preparePostImage(image.bytes, preset, {
      ...(p.look ? { look: p.look } : {}),
      ...(p.watermark ? { watermark: p.watermark } : {}),
    });
    const filename = `post-${p.platform}.jpg`;
    const data = {
      platform: p.platform,
      variants,
      altText,
      limit: preset.captionLimit,
      image: filename,
      requested: p.variants,
      ...(collected.shortfall ? { shortfall: collected.shortfall } : {}),
      tone: p.tone,
      lang: p.lang,
      description,
      ...(ocr ? { ocr } : {}),
    } satisfies PostBundle;
    return {
      text: postText(data),
      images: [
        {
          bytes: prepared.bytes,
          mime: "image/jpeg",
          width: prepared.width,
          height: prepared.height,
          filename,
          // In chat the image is described even when the network takes no alt text (a story).
          altText: altText || trimToLimit(cleanAlt(description), { counting: "graphemes", limit: 1000 }),
        },
      ],
      summary: `${preset.label} post ready: ${captionCount(data)}, ${hashtags.length} hashtags, image ${prepared.width}x${prepared.height}`,
      data,
    };
  },
} satisfies Skill<typeof params>;
