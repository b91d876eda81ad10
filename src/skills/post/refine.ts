import type { PostBundle } from "../../core/jobs.js";
import type { ModelPort } from "../../core/model-port.js";
import type { PlatformName, PostState, Tone } from "../../core/post-state.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { SubjectFinder } from "../edit/index.js";
import {
  captionSimilarity,
  cleanCaption,
  collectCaptions,
  isNearDuplicate,
  usableCaption,
} from "./captions.js";
import { countFor } from "./count.js";
import { hashtagsFrom, writtenHashtags } from "./hashtags.js";
import { preparePostImage } from "./image.js";
import { PRESETS, type Preset } from "./presets.js";
import {
  type CaptionBrief,
  captionPrompt,
  captionTokens,
  oneCaptionPrompt,
  shorterPrompt,
  translatePrompt,
  writtenLimit,
} from "./prompts.js";
import { bundleFrom } from "./state.js";

/**
 * One-click refinements of a post: regenerate, shorter, another tone, another platform, translate.
 * They work from what the first pass stored (the description, the captions, the image's blob
 * key), never look at the image again, and do no I/O of their own: the model comes in as a
 * text-only function, and a platform change only says the image must be prepared again.
 */

export type RefineAction =
  | { kind: "regenerate" }
  | { kind: "shorter" }
  | { kind: "tone"; tone: Tone }
  | { kind: "platform"; platform: PlatformName }
  | { kind: "translate"; lang: string };

export interface Refined {
  state: PostState;
  bundle: PostBundle;
  /** The platform changed: prepare the image again from `state.imageKey` (see prepareRefinedImage). */
  reprepareImage: boolean;
}

/** A text-only model call. */
export type TextModel = (
  prompt: string,
  o: { maxNewTokens: number; temperature?: number; signal?: AbortSignal },
) => Promise<string>;

/** The model port as a text-only function: no image goes with the prompt, so no vision pass. */
export function textModel(model: ModelPort): TextModel {
  return async (prompt, o) => {
    const out = await model.generate({
      messages: [{ role: "user", content: prompt }],
      images: [],
      maxNewTokens: o.maxNewTokens,
      unseen: true,
      ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return out.text.trim();
  };
}

export interface RefineOptions {
  ask: TextModel;
  /** Extra asks allowed when the model gives fewer usable answers than needed (post.maxExtraCalls). */
  maxExtraCalls: number;
  /** Sampling temperature (post.sampleTemperature). */
  temperature: number;
  /**
   * The preset of the platform the post ends up on, as this deployment knows it (the Instagram
   * hashtag cap, a Mastodon instance's limits: presetFor); PRESETS' otherwise.
   */
  preset?: Preset;
  signal?: AbortSignal;
}

export { bundleFrom, captionOf, postStateFrom } from "./state.js";

/** The new platform, tone and language an action asks for; nothing else changes here. */
export function nextSettings(
  state: PostState,
  action: RefineAction,
): Pick<PostState, "platform" | "tone" | "lang"> {
  return {
    platform: action.kind === "platform" ? action.platform : state.platform,
    tone: action.kind === "tone" ? action.tone : state.tone,
    lang: action.kind === "translate" ? action.lang : state.lang,
  };
}

/** A new set of captions for the settings, unlike the ones to avoid. */
async function writeSet(
  state: PostState,
  settings: Pick<PostState, "platform" | "tone" | "lang">,
  preset: Preset,
  avoid: readonly string[],
  o: RefineOptions,
): Promise<{ captions: string[]; shortfall?: string; tags: string[] }> {
  const brief: CaptionBrief = {
    preset,
    tone: settings.tone,
    lang: settings.lang,
    description: state.description,
    ...(state.ocr ? { ocr: state.ocr } : {}),
  };
  const answers: string[] = [];
  const got = await collectCaptions({
    wanted: state.requested,
    maxExtraCalls: o.maxExtraCalls,
    avoid,
    ...(o.signal ? { signal: o.signal } : {}),
    askSet: async () => {
      const text = await o.ask(captionPrompt({ ...brief, variants: state.requested, avoid }), {
        maxNewTokens: captionTokens(writtenLimit(preset), state.requested, 400),
        temperature: o.temperature,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      answers.push(text);
      return text;
    },
    askOne: async (written, attempt) => {
      const text = await o.ask(oneCaptionPrompt({ ...brief, written: [...written, ...avoid] }), {
        maxNewTokens: captionTokens(writtenLimit(preset), 1, 160),
        temperature: Math.min(1.5, o.temperature + 0.1 * attempt),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      answers.push(text);
      return text;
    },
  });
  return {
    captions: got.captions,
    ...(got.shortfall ? { shortfall: got.shortfall } : {}),
    tags: writtenHashtags(answers),
  };
}

/**
 * Each caption rewritten by the model (shorter, translated), one ask per caption plus at most
 * `maxExtraCalls` second tries in all. A caption the model does not manage is left out.
 */
async function rewriteEach(
  captions: readonly string[],
  prompt: (caption: string) => string,
  accept: (rewritten: string, original: string) => boolean,
  o: RefineOptions,
  what: string,
): Promise<{ captions: string[]; shortfall?: string }> {
  const out: string[] = [];
  let extra = 0;
  let failed = 0;
  for (const original of captions) {
    let done = false;
    for (let attempt = 0; !done && (attempt === 0 || extra < o.maxExtraCalls); attempt++) {
      if (attempt > 0) extra++;
      if (o.signal?.aborted) throw new CodedError(ErrorCode.Aborted, "The request was cancelled.");
      const raw = await o.ask(prompt(original), {
        maxNewTokens: 200,
        // The first try as the model likes it best; a second one sampled.
        ...(attempt > 0 ? { temperature: o.temperature } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const caption = cleanCaption(raw);
      if (usableCaption(caption) && accept(caption, original) && !isNearDuplicate(caption, out)) {
        out.push(caption);
        done = true;
      }
    }
    if (!done) failed++;
  }
  if (!failed) return { captions: out };
  return {
    captions: out,
    shortfall: `The model ${what} ${out.length} of the ${captions.length} captions${extra ? ` (with ${extra} second ${extra === 1 ? "try" : "tries"})` : ""}; the others are left out.`,
  };
}

/** Runs one refinement. The image is never sent to the model; only a platform change touches it (later, with sharp). */
export async function refinePost(state: PostState, action: RefineAction, o: RefineOptions): Promise<Refined> {
  const settings = nextSettings(state, action);
  const preset = o.preset ?? PRESETS[settings.platform];
  let captions: string[];
  let shortfall: string | undefined;
  let altText = state.altText;
  let hashtags = state.hashtags;

  if (action.kind === "shorter") {
    const r = await rewriteEach(
      state.captions,
      (caption) =>
        shorterPrompt({
          caption,
          preset,
          lang: settings.lang,
          target: Math.max(40, Math.floor(countFor(preset.counting, caption) / 2)),
        }),
      // Noticeably shorter, and not the same caption with a word dropped.
      (next, before) =>
        countFor(preset.counting, next) <= 0.8 * countFor(preset.counting, before) &&
        captionSimilarity(next, before) < 0.95,
      o,
      "shortened",
    );
    ({ captions } = r);
    shortfall = r.shortfall;
  } else if (action.kind === "translate") {
    const r = await rewriteEach(
      state.captions,
      (text) => translatePrompt({ text, lang: settings.lang, what: "caption" }),
      (next, before) => next.trim() !== before.trim(),
      o,
      "translated",
    );
    ({ captions } = r);
    shortfall = r.shortfall;
    const alt = cleanCaption(
      await o.ask(translatePrompt({ text: state.altText, lang: settings.lang, what: "alt text" }), {
        maxNewTokens: 200,
        ...(o.signal ? { signal: o.signal } : {}),
      }),
    );
    // Alt text stays in the old language rather than become something unusable.
    if (usableCaption(alt)) altText = alt;
  } else {
    // regenerate, tone, platform: a new set written for the settings.
    const r = await writeSet(state, settings, preset, state.captions, o);
    ({ captions } = r);
    shortfall = r.shortfall;
    hashtags = [
      ...new Set([
        ...r.tags,
        ...state.hashtags,
        ...hashtagsFrom([state.description, state.ocr ?? ""], preset.maxHashtags),
      ]),
    ];
  }

  if (!captions.length) {
    // Nothing new came back: keep what there was, and say so.
    captions = state.captions;
    shortfall = `The model gave no usable ${action.kind === "translate" ? "translation" : action.kind === "shorter" ? "shorter caption" : "new caption"}; these are the earlier captions.`;
    if (action.kind === "translate") {
      settings.lang = state.lang;
      altText = state.altText;
    }
  }
  const next: PostState = {
    ...state,
    ...settings,
    captions,
    hashtags,
    altText,
    ...(shortfall ? { shortfall } : {}),
  };
  if (!shortfall) delete next.shortfall;
  return {
    state: next,
    bundle: bundleFrom(next, preset),
    reprepareImage: settings.platform !== state.platform,
  };
}

/** The photo prepared again for a state's platform (after a platform change), from the original's bytes. */
export function prepareRefinedImage(
  original: Buffer,
  state: PostState,
  preset: Preset = PRESETS[state.platform],
  find?: SubjectFinder,
) {
  return preparePostImage(
    original,
    preset,
    {
      ...(state.look ? { look: state.look } : {}),
      ...(state.watermark ? { watermark: state.watermark } : {}),
    },
    find,
  );
}
