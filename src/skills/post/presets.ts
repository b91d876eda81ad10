import type { NetworkLimits, PlatformName } from "../../core/post-state.js";
import type { Counting, TextRule } from "./count.js";

export type { NetworkLimits } from "../../core/post-state.js";

/**
 * Platform presets as data: each network's own published rules (checked 2026), the counting
 * functions in count.ts. A Mastodon instance publishes its own limits; these are the defaults
 * used until it has been read (publish/instance.ts), and when it cannot be.
 * - Instagram: caption 2,200 characters, ~125 shown before "more"; at most 5 hashtags, as announced in
 *   December 2025 (post.instagramHashtags); feed photos 1080 px wide at 4:5 to 1.91:1, 8 MB.
 *   Stories (1080×1920, 9:16) carry no caption and the Graph API takes no alt text for them: the
 *   story preset makes the image and short text to lay over it.
 * - X: 280, weighted by twitter-text (links 23, CJK and emoji 2); images up to 5 MB; alt text 1,000
 *   characters (developer.x.com "Counting characters", help.x.com "image descriptions").
 * - LinkedIn: post 3,000 characters, ~210 shown before "see more"; images 1200×627 (1.91:1) or 1:1;
 *   alt text 300 characters (the composer's field).
 * - Threads: 500 characters, each emoji counted as its UTF-8 bytes; images 8 MB; alt text 1,000
 *   (developers.facebook.com/documentation/threads/posts).
 * - Bluesky: text 300 graphemes and 3,000 UTF-8 bytes (lexicon app.bsky.feed.post); images up to
 *   2,000,000 bytes (lexicon app.bsky.embed.images, formerly 1 MB); alt text 2,000 (the app's limit).
 * - Mastodon: 500 characters with every link counted as 23 and `@user@domain` as `@user`; images
 *   16 MiB (the default since 4.2); alt text 1,500 code points (docs.joinmastodon.org, instance
 *   defaults in `GET /api/v2/instance`).
 * - Pixelfed: 500 characters (`MAX_CAPTION_LENGTH`), alt text 1,000 (`PF_MEDIA_MAX_ALTTEXT_LENGTH`),
 *   both checked as Laravel's `max:` (code points, links in full); photos 15,000 KB (`MAX_PHOTO_SIZE`).
 *   The instance states its own in `GET /api/v2/instance`; it links the first 60 hashtags of a post.
 * - Facebook: 63,206 characters; we cap at 5,000, since longer posts are folded anyway.
 */
export interface Preset {
  label: string;
  /** Crop aspect ratio, W:H. */
  aspect: string;
  width: number;
  /** A caption under the post, or words to lay over a story (which takes no caption). */
  text: "caption" | "overlay";
  captionLimit: number;
  /** UTF-8 bytes the text may take as well. */
  captionBytes?: number;
  /** What each link counts as, where the network says (Mastodon). */
  urlLength?: number;
  /** How much shows before the platform folds the caption ("more"). */
  preview?: number;
  maxHashtags: number;
  /** How many hashtags read well there (fewer than allowed). */
  suggestedHashtags: number;
  /** 0 where the network takes no alt text. */
  altLimit: number;
  /** How alt text is counted (graphemes unless the network says otherwise). */
  altCounting?: Counting;
  maxBytes: number;
  counting: Counting;
}

const INSTAGRAM = {
  label: "Instagram feed",
  aspect: "4:5",
  width: 1080,
  text: "caption",
  captionLimit: 2200,
  preview: 125,
  maxHashtags: 5,
  suggestedHashtags: 3,
  altLimit: 2200,
  maxBytes: 8_000_000,
  counting: "graphemes",
} as const satisfies Preset;

const LINKEDIN = {
  label: "LinkedIn",
  aspect: "1.91:1",
  width: 1200,
  text: "caption",
  captionLimit: 3000,
  preview: 210,
  maxHashtags: 5,
  suggestedHashtags: 3,
  altLimit: 300,
  maxBytes: 8_000_000,
  counting: "graphemes",
} as const satisfies Preset;

export const PRESETS: Record<PlatformName, Preset> = {
  instagram: INSTAGRAM,
  "instagram-square": { ...INSTAGRAM, label: "Instagram feed (square)", aspect: "1:1" },
  "instagram-story": {
    label: "Instagram story",
    aspect: "9:16",
    width: 1080,
    text: "overlay",
    captionLimit: 80,
    maxHashtags: 0,
    suggestedHashtags: 0,
    altLimit: 0,
    maxBytes: 8_000_000,
    counting: "graphemes",
  },
  x: {
    label: "X",
    aspect: "16:9",
    width: 1600,
    text: "caption",
    captionLimit: 280,
    maxHashtags: 3,
    suggestedHashtags: 2,
    altLimit: 1000,
    maxBytes: 5_000_000,
    counting: "x-weighted",
  },
  linkedin: LINKEDIN,
  "linkedin-square": { ...LINKEDIN, label: "LinkedIn (square)", aspect: "1:1" },
  threads: {
    label: "Threads",
    aspect: "4:5",
    width: 1080,
    text: "caption",
    captionLimit: 500,
    maxHashtags: 1,
    suggestedHashtags: 1,
    altLimit: 1000,
    maxBytes: 8_000_000,
    counting: "threads",
  },
  bluesky: {
    label: "Bluesky",
    aspect: "4:5",
    width: 1200,
    text: "caption",
    captionLimit: 300,
    captionBytes: 3000,
    maxHashtags: 5,
    suggestedHashtags: 2,
    altLimit: 2000,
    maxBytes: 2_000_000,
    counting: "bluesky",
  },
  facebook: {
    label: "Facebook",
    aspect: "4:5",
    width: 1080,
    text: "caption",
    captionLimit: 5000,
    preview: 480,
    maxHashtags: 5,
    suggestedHashtags: 3,
    altLimit: 1000,
    maxBytes: 8_000_000,
    counting: "graphemes",
  },
  mastodon: {
    label: "Mastodon",
    aspect: "16:9",
    width: 1280,
    text: "caption",
    captionLimit: 500,
    urlLength: 23,
    maxHashtags: 5,
    suggestedHashtags: 3,
    altLimit: 1500,
    altCounting: "codepoints",
    maxBytes: 16 * 1024 * 1024,
    counting: "mastodon",
  },
  pixelfed: {
    label: "Pixelfed",
    aspect: "4:5",
    width: 1080,
    text: "caption",
    captionLimit: 500,
    maxHashtags: 10,
    suggestedHashtags: 5,
    altLimit: 1000,
    altCounting: "codepoints",
    maxBytes: 15_000 * 1024,
    counting: "codepoints",
  },
};

/**
 * The preset with this deployment's knowledge applied: the Instagram hashtag cap from config, and
 * the limits the network itself published, when it was read.
 */
export function presetFor(
  platform: PlatformName,
  o: { instagramHashtags?: number; limits?: NetworkLimits | undefined } = {},
): Preset {
  const base = PRESETS[platform];
  const cap = platform === "instagram" || platform === "instagram-square" ? o.instagramHashtags : undefined;
  const tags =
    cap === undefined ? {} : { maxHashtags: cap, suggestedHashtags: Math.min(base.suggestedHashtags, cap) };
  const known = Object.fromEntries(
    Object.entries(o.limits ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<Preset>;
  return { ...base, ...tags, ...known };
}

/** A size as networks state theirs: "16 MiB" when it is whole mebibytes, else "2 MB", "2.3 MB", "60 KB". */
export function sizeText(bytes: number): string {
  const mib = bytes / 1048576;
  if (Number.isInteger(mib) && mib >= 1) return `${mib} MiB`;
  if (bytes >= 1_000_000) return `${Math.round(bytes / 100_000) / 10} MB`;
  if (bytes >= 1000) return `${Math.round(bytes / 1000)} KB`;
  return `${bytes} bytes`;
}

/** The rule a post's text keeps to. */
export function captionRule(preset: Preset): TextRule {
  return {
    counting: preset.counting,
    limit: preset.captionLimit,
    ...(preset.captionBytes !== undefined ? { maxBytes: preset.captionBytes } : {}),
    ...(preset.urlLength !== undefined ? { urlLength: preset.urlLength } : {}),
  };
}

/** The rule a post's alt text keeps to. */
export function altRule(preset: Preset): TextRule {
  return { counting: preset.altCounting ?? "graphemes", limit: preset.altLimit };
}
