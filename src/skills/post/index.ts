import { z } from "zod";
import type { PostBundle } from "../../core/jobs.js";
import { PLATFORM_NAMES, type PlatformName, TONES } from "../../core/post-state.js";
import { PROMPTS } from "../../core/prompts.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { splitAltLine } from "../alt-line.js";
import { LOOK_NAMES } from "../edit/index.js";
import { recognise } from "../ocr/index.js";
import type { Skill, SkillContext } from "../skill.js";
import { subjectFinder } from "../vision/matte.js";
import { collectCaptions } from "./captions.js";
import { composePost } from "./compose.js";
import { hashtagsFrom, writtenHashtags } from "./hashtags.js";
import { preparePostImage } from "./image.js";
import { altRule, presetFor } from "./presets.js";
import {
  altFromDescriptionPrompt,
  type CaptionBrief,
  captionPrompt,
  captionTokens,
  DESCRIBE_WITH_ALT_PROMPT,
  oneCaptionPrompt,
  writtenLimit,
} from "./prompts.js";
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

/**
 * One model call. Only the first call of a post looks at the photo (`withImage`); the captions
 * and alt text are written from its description, text-only. Nobody watches these calls' text as
 * it is written, so the backend need not stream it.
 */
async function modelText(
  ctx: SkillContext,
  prompt: string,
  o: { maxNewTokens: number; withImage?: boolean; temperature?: number },
): Promise<string> {
  const images = o.withImage ? ctx.images.slice(0, 1) : [];
  const out = await ctx.model.generate({
    messages: [{ role: "user", content: prompt, imageCount: images.length }],
    images,
    signal: ctx.signal,
    maxNewTokens: o.maxNewTokens,
    unseen: true,
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
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

/** A task started now and awaited later: its failure is thrown where it is awaited, never unhandled. */
function settled<T>(task: Promise<T>): () => Promise<T> {
  const outcome = task.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return async () => {
    const o = await outcome;
    if (!o.ok) throw o.error;
    return o.value;
  };
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
    const wantsAlt = preset.altLimit > 0;
    // OCR and the post image do not need the model: they run beside the description. Their
    // failures surface when awaited (the image's), or never (OCR's, which photoText swallows).
    const ocrTask = photoText(image.bytes, ctx.config.engine.ocrWorkers);
    const imageTask = settled(
      preparePostImage(
        image.bytes,
        preset,
        {
          ...(p.look ? { look: p.look } : {}),
          ...(p.watermark ? { watermark: p.watermark } : {}),
        },
        subjectFinder(ctx.config),
      ),
    );
    ctx.progress?.("describing the photo");
    const look = splitAltLine(
      await modelText(ctx, wantsAlt ? DESCRIBE_WITH_ALT_PROMPT : PROMPTS.describe, {
        maxNewTokens: wantsAlt ? 280 : 200,
        withImage: true,
      }),
    );
    const description = look.text || look.alt || "a photo";
    const altRaw = !wantsAlt
      ? ""
      : (look.alt ?? (await modelText(ctx, altFromDescriptionPrompt(description), { maxNewTokens: 120 })));
    ctx.progress?.("reading text in the photo");
    const ocr = await ocrTask;
    ctx.progress?.("writing captions");
    const brief: CaptionBrief = {
      preset,
      tone: p.tone,
      lang: p.lang,
      description,
      ...(ocr ? { ocr } : {}),
      ...(p.request ? { request: p.request } : {}),
    };
    const limit = writtenLimit(preset);
    const answers: string[] = [];
    const collected = await collectCaptions({
      wanted: p.variants,
      maxExtraCalls: ctx.config.post.maxExtraCalls,
      signal: ctx.signal,
      askSet: async () => {
        const text = await modelText(ctx, captionPrompt({ ...brief, variants: p.variants }), {
          maxNewTokens: captionTokens(limit, p.variants, 400),
        });
        answers.push(text);
        return text;
      },
      askOne: async (written, attempt) => {
        ctx.progress?.(`writing caption ${written.length + 1} of ${p.variants}`);
        const text = await modelText(ctx, oneCaptionPrompt({ ...brief, written }), {
          maxNewTokens: captionTokens(limit, 1, 160),
          temperature: extraAskTemperature(ctx.config.post.sampleTemperature, attempt),
        });
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
    const prepared = await imageTask();
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
