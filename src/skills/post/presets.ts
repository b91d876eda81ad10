import type { PlatformName } from "../../core/post-state.js";

/**
 * Platform presets as data. Limits as published by each platform (checked 2026):
 * - Instagram: caption 2,200 characters, ~125 shown before "more", at most 30 hashtags; feed photos
 *   1080 px wide at 4:5 (portrait) to 1.91:1, stories 1080×1920 (9:16); help.instagram.com, "Instagram image sizes".
 * - X: 280 characters, weighted (CJK and emoji count 2, any URL counts 23); images up to 5 MB; alt text 1,000
 *   characters; developer.x.com "Counting characters", help.x.com "image descriptions".
 * - LinkedIn: post 3,000 characters, ~210 shown before "see more"; images 1200×627 (1.91:1) or 1:1; alt text
 *   300 characters (the composer's field).
 * - Threads: 500 characters; Bluesky: 300 graphemes, images up to 1,000,000 bytes, alt text 2,000 (docs.bsky.app);
 * - Mastodon: 500 characters with every URL counted as 23, alt text 1,500 (docs.joinmastodon.org, instance defaults);
 * - Facebook: 63,206 characters; we cap at 5,000, since longer posts are folded anyway.
 */
export type Counting = "graphemes" | "x-weighted" | "mastodon";

export interface Preset {
  label: string;
  /** Crop aspect ratio, W:H. */
  aspect: string;
  width: number;
  captionLimit: number;
  /** How much shows before the platform folds the caption ("more"). */
  preview?: number;
  maxHashtags: number;
  /** How many hashtags read well there (fewer than allowed). */
  suggestedHashtags: number;
  altLimit: number;
  maxBytes: number;
  counting: Counting;
}

export const PRESETS = {
  instagram: {
    label: "Instagram feed",
    aspect: "4:5",
    width: 1080,
    captionLimit: 2200,
    preview: 125,
    maxHashtags: 30,
    suggestedHashtags: 8,
    altLimit: 2200,
    maxBytes: 8_000_000,
    counting: "graphemes",
  },
  "instagram-square": {
    label: "Instagram feed (square)",
    aspect: "1:1",
    width: 1080,
    captionLimit: 2200,
    preview: 125,
    maxHashtags: 30,
    suggestedHashtags: 8,
    altLimit: 2200,
    maxBytes: 8_000_000,
    counting: "graphemes",
  },
  "instagram-story": {
    label: "Instagram story",
    aspect: "9:16",
    width: 1080,
    captionLimit: 2200,
    maxHashtags: 10,
    suggestedHashtags: 3,
    altLimit: 2200,
    maxBytes: 8_000_000,
    counting: "graphemes",
  },
  x: {
    label: "X",
    aspect: "16:9",
    width: 1600,
    captionLimit: 280,
    maxHashtags: 3,
    suggestedHashtags: 2,
    altLimit: 1000,
    maxBytes: 5_000_000,
    counting: "x-weighted",
  },
  linkedin: {
    label: "LinkedIn",
    aspect: "1.91:1",
    width: 1200,
    captionLimit: 3000,
    preview: 210,
    maxHashtags: 5,
    suggestedHashtags: 3,
    altLimit: 300,
    maxBytes: 8_000_000,
    counting: "graphemes",
  },
  "linkedin-square": {
    label: "LinkedIn (square)",
    aspect: "1:1",
    width: 1200,
    captionLimit: 3000,
    preview: 210,
    maxHashtags: 5,
    suggestedHashtags: 3,
    altLimit: 300,
    maxBytes: 8_000_000,
    counting: "graphemes",
  },
  threads: {
    label: "Threads",
    aspect: "4:5",
    width: 1080,
    captionLimit: 500,
    maxHashtags: 1,
    suggestedHashtags: 1,
    altLimit: 1000,
    maxBytes: 8_000_000,
    counting: "graphemes",
  },
  bluesky: {
    label: "Bluesky",
    aspect: "4:5",
    width: 1200,
    captionLimit: 300,
    maxHashtags: 5,
    suggestedHashtags: 2,
    altLimit: 2000,
    maxBytes: 1_000_000,
    counting: "graphemes",
  },
  facebook: {
    label: "Facebook",
    aspect: "4:5",
    width: 1080,
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
    captionLimit: 500,
    maxHashtags: 5,
    suggestedHashtags: 3,
    altLimit: 1500,
    maxBytes: 8_000_000,
    counting: "mastodon",
  },
} as const satisfies Record<PlatformName, Preset>;
