/**
 * A post's state as every layer sees it: the networks a post can be written for, the tones, and
 * what is kept (in Redis, with the blob TTL) so a click can refine it. skills/post writes it,
 * queue/posts stores it, the engine refines it.
 */

const NETWORKS = [
  "instagram",
  "instagram-square",
  "instagram-story",
  "x",
  "linkedin",
  "linkedin-square",
  "threads",
  "bluesky",
  "facebook",
  "mastodon",
  "pixelfed",
] as const;
export type PlatformName = (typeof NETWORKS)[number];
export const PLATFORM_NAMES: PlatformName[] = [...NETWORKS];

export const TONES = ["casual", "professional", "playful", "inspirational", "witty", "minimal"] as const;
export type Tone = (typeof TONES)[number];

/** What an adapter keeps for a post (in Redis, with the blob TTL) so a click can refine it. */
export interface PostState {
  /** Blob key of the original photo, for preparing the image again. */
  imageKey: string;
  platform: PlatformName;
  tone: Tone;
  lang: string;
  /** Captions asked for. */
  requested: number;
  /** The model's description of the photo, from the first (and only) vision pass. */
  description: string;
  ocr?: string;
  altText: string;
  /** The captions without their hashtags. */
  captions: string[];
  /** Hashtags in order of preference, before each platform's cut. */
  hashtags: string[];
  look?: string;
  watermark?: string;
  /** Why there are fewer captions than requested, after the last step. */
  shortfall?: string;
}

/**
 * Limits a network publishes about itself (a Mastodon or Pixelfed instance's `GET /api/v2/instance`), read by
 * publish/ and applied by skills/post over its presets; a field it does not state is absent.
 */
export interface NetworkLimits {
  /** Characters a post may have. */
  captionLimit?: number;
  /** What each link counts as. */
  urlLength?: number;
  /** Characters an image description may have. */
  altLimit?: number;
  /** Bytes an image may have. */
  maxBytes?: number;
}
