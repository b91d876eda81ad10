import type { Tone } from "../../core/post-state.js";
import { PROMPTS } from "../../core/prompts.js";
import type { Preset } from "./presets.js";

const TONE_HINT: Record<Tone, string> = {
  casual: "relaxed and friendly, like talking to a friend",
  professional: "clear, confident and polished",
  playful: "fun, light-hearted, with a wink",
  inspirational: "uplifting and motivating",
  witty: "clever, with a light pun",
  minimal: "very short and understated",
};

export interface CaptionBrief {
  preset: Preset;
  tone: Tone;
  lang: string;
  description: string;
  ocr?: string;
  request?: string;
}

/** "English", or the language by its code for the model. */
export function languageName(lang: string): string {
  if (lang === "en") return "English";
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language" }).of(lang);
    if (name && name !== lang) return name;
  } catch {
    // not a code Intl knows; the model gets the code
  }
  return `the language with code "${lang}"`;
}

/** The characters each caption is written for: the preset's limit, or its preview when shorter. */
export function writtenLimit(preset: Preset): number {
  return Math.min(preset.captionLimit, preset.preview ?? preset.captionLimit);
}

function briefLines(o: CaptionBrief, each: string): string[] {
  const limit = writtenLimit(o.preset);
  return [
    `Tone: ${TONE_HINT[o.tone]}. ${each} at most ${limit} characters. No hashtags.`,
    `What the photo shows: ${o.description}`,
    o.ocr ? `Text visible in the photo: ${o.ocr.slice(0, 300)}` : "",
    o.request ? `The user asked: ${o.request}` : "",
  ];
}

/** What is written: captions, or for a story (which takes no caption) short text to lay over the photo. */
function noun(preset: Preset, n: number): string {
  if (preset.text === "overlay") return n === 1 ? "short text overlay" : "short text overlays";
  return n === 1 ? "caption" : "captions";
}

function listed(captions: readonly string[]): string {
  return captions.map((c) => `- ${c.replace(/\s+/g, " ").slice(0, 300)}`).join("\n");
}

export function captionPrompt(o: CaptionBrief & { variants: number; avoid?: readonly string[] }): string {
  return [
    `Write ${o.variants} different ${o.preset.label} ${noun(o.preset, 2)} for this photo, in ${languageName(o.lang)}.`,
    ...briefLines(o, "Each one"),
    o.avoid?.length ? `Write new ones, unlike these earlier ones:\n${listed(o.avoid)}` : "",
    "Answer with a numbered list, one per item.",
  ]
    .filter(Boolean)
    .join("\n");
}

/** One more caption, different from those already written. */
export function oneCaptionPrompt(o: CaptionBrief & { written: readonly string[] }): string {
  return [
    `Write one ${o.preset.label} ${noun(o.preset, 1)} for this photo, in ${languageName(o.lang)}.`,
    ...briefLines(o, `The ${noun(o.preset, 1)}`),
    o.written.length
      ? `These are already written; yours must say something different, not reword them:\n${listed(o.written)}`
      : "",
    `Answer with the ${noun(o.preset, 1)} only.`,
  ]
    .filter(Boolean)
    .join("\n");
}

export const ALT_PROMPT =
  "Describe this photo for someone who cannot see it, in one or two plain sentences: who or what is in it, what is happening, and the setting. Do not start with 'Image of' or 'Photo of'.";

/** The post's one look at the photo: its description, then its alt text on a line of its own. */
export const DESCRIBE_WITH_ALT_PROMPT = `${PROMPTS.describe}\nThen, on a new line starting with 'Alt text:', describe it in one or two plain sentences for someone who cannot see it. Do not start with 'Image of' or 'Photo of'.`;

/** Alt text from the description alone (for a model that wrote no alt line): no second look. */
export function altFromDescriptionPrompt(description: string): string {
  return `${ALT_PROMPT}\nWhat the photo shows: ${description.replace(/\s+/g, " ")}\nAnswer with the alt text only.`;
}

/**
 * Token caps that fit the answer: a caption is at most `limit` characters (about two per token
 * even for scripts with one token per character or two), plus room for a list marker.
 */
export function captionTokens(limit: number, variants: number, cap: number): number {
  return Math.min(cap, variants * (Math.ceil(limit / 2) + 12));
}

/** One caption rewritten shorter; the model sees the text only, not the photo again. */
export function shorterPrompt(o: { caption: string; preset: Preset; lang: string; target: number }): string {
  return [
    `Rewrite this ${o.preset.label} caption to be much shorter, at most ${o.target} characters, in ${languageName(o.lang)}.`,
    "Keep its meaning, tone and any emoji that matter. No hashtags.",
    `Caption: ${o.caption.replace(/\s+/g, " ")}`,
    "Answer with the shorter caption only.",
  ].join("\n");
}

/** One caption or alt text translated; the model sees the text only. */
export function translatePrompt(o: { text: string; lang: string; what: "caption" | "alt text" }): string {
  return [
    `Translate this ${o.what === "caption" ? "social-media caption" : "image description (alt text)"} into ${languageName(o.lang)}.`,
    o.what === "caption" ? "Keep its tone and emoji. No hashtags." : "Keep it plain and literal.",
    `Text: ${o.text.replace(/\s+/g, " ")}`,
    "Answer with the translation only.",
  ].join("\n");
}
