import { PRESETS } from "../post/presets.js";
import { isLook, type LookName } from "./looks.js";

/** Shapes by name. */
export const ASPECT_NAMES: Record<string, string> = {
  square: "1:1",
  squared: "1:1",
  portrait: "4:5",
  vertical: "4:5",
  tall: "4:5",
  story: "9:16",
  stories: "9:16",
  reel: "9:16",
  landscape: "16:9",
  horizontal: "16:9",
  wide: "16:9",
  widescreen: "16:9",
  panorama: "2:1",
  panoramic: "2:1",
};

/** Other names for the looks ("fall" is the autumn look). */
const LOOK_SYNONYMS: Record<string, LookName> = {
  fall: "autumn",
  autumnal: "autumn",
  wintry: "winter",
  wintery: "winter",
  springy: "spring",
  summery: "summer",
  retro: "vintage",
  "old school": "vintage",
  "old-school": "vintage",
};

export const LOOK_WORDS = [
  "autumn|winter|spring|summer|vintage|mono|warm|cool",
  ...Object.keys(LOOK_SYNONYMS),
].join("|");

export function lookFor(word: string): LookName {
  if (isLook(word)) return word;
  return LOOK_SYNONYMS[word] ?? "vintage";
}

/** Platforms by the names people use, to the post presets' aspect (or the format's, for the rest). */
const PLATFORM_ASPECTS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(PRESETS).map(([name, p]) => [name.replace("-", " "), p.aspect])),
  insta: PRESETS.instagram.aspect,
  ig: PRESETS.instagram.aspect,
  "instagram feed": PRESETS.instagram.aspect,
  "instagram post": PRESETS.instagram.aspect,
  "instagram stories": PRESETS["instagram-story"].aspect,
  "insta story": PRESETS["instagram-story"].aspect,
  "ig story": PRESETS["instagram-story"].aspect,
  "instagram reel": PRESETS["instagram-story"].aspect,
  "instagram reels": PRESETS["instagram-story"].aspect,
  twitter: PRESETS.x.aspect,
  fb: PRESETS.facebook.aspect,
  tiktok: "9:16",
  youtube: "16:9",
  "youtube thumbnail": "16:9",
};

export const PLATFORM_WORDS = Object.keys(PLATFORM_ASPECTS)
  .sort((a, b) => b.length - a.length)
  .join("|");

export function platformAspect(name: string): string {
  return PLATFORM_ASPECTS[name] ?? "1:1";
}
