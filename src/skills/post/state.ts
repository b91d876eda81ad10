import type { PostBundle } from "../../core/jobs.js";
import {
  PLATFORM_NAMES,
  type PlatformName,
  type PostState,
  TONES,
  type Tone,
} from "../../core/post-state.js";
import { composePost } from "./compose.js";
import { altRule, PRESETS, type Preset } from "./presets.js";
import { trimToLimit } from "./trim.js";

/**
 * A delivered post and the state kept for it (in Redis, so its buttons work), each made from the
 * other: the state from the bundle the skill delivered, the bundle again from a refined state.
 */

function isPlatform(v: string): v is PlatformName {
  return (PLATFORM_NAMES as readonly string[]).includes(v);
}

function isTone(v: string): v is Tone {
  return (TONES as readonly string[]).includes(v);
}

/** A caption as written, without the hashtag line composePost added. */
export function captionOf(variant: { text: string; hashtags: string[] }): string {
  const tags = variant.hashtags.join(" ");
  return tags && variant.text.endsWith(`\n\n${tags}`)
    ? variant.text.slice(0, -(tags.length + 2))
    : variant.text;
}

/** The state to keep for a post the skill delivered. */
export function postStateFrom(
  bundle: PostBundle,
  imageKey: string,
  extra: { look?: string; watermark?: string } = {},
): PostState {
  const platform = isPlatform(bundle.platform) ? bundle.platform : "instagram";
  const tone = bundle.tone && isTone(bundle.tone) ? bundle.tone : "casual";
  return {
    imageKey,
    platform,
    tone,
    lang: bundle.lang ?? "en",
    requested: bundle.requested ?? bundle.variants.length,
    description: bundle.description ?? bundle.altText,
    ...(bundle.ocr ? { ocr: bundle.ocr } : {}),
    // A story's bundle has no alt text; the description serves when the post moves to a network that takes one.
    altText: bundle.altText || (bundle.description ?? ""),
    captions: bundle.variants.map(captionOf),
    hashtags: [...new Set(bundle.variants.flatMap((v) => v.hashtags))],
    ...(extra.look ? { look: extra.look } : {}),
    ...(extra.watermark ? { watermark: extra.watermark } : {}),
    ...(bundle.shortfall ? { shortfall: bundle.shortfall } : {}),
  };
}

/** The post as delivered for a state: every caption composed within its platform's limit. */
export function bundleFrom(state: PostState, preset: Preset = PRESETS[state.platform]): PostBundle {
  const hashtags = state.hashtags.slice(0, preset.maxHashtags);
  return {
    platform: state.platform,
    variants: state.captions.map((c) => composePost(c, hashtags, preset)),
    // Kept in the state (a later platform may take alt text again), left out where none is taken.
    altText: preset.altLimit ? trimToLimit(state.altText, altRule(preset)) : "",
    limit: preset.captionLimit,
    image: `post-${state.platform}.jpg`,
    requested: state.requested,
    ...(state.shortfall ? { shortfall: state.shortfall } : {}),
    tone: state.tone,
    lang: state.lang,
    description: state.description,
    ...(state.ocr ? { ocr: state.ocr } : {}),
  };
}
