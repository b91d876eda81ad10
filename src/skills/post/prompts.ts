import type { Preset, Tone } from "./presets.js";

const TONE_HINT: Record<Tone, string> = {
  casual: "relaxed and friendly, like talking to a friend",
  professional: "clear, confident and polished",
  playful: "fun, light-hearted, with a wink",
  inspirational: "uplifting and motivating",
  witty: "clever, with a light pun",
  minimal: "very short and understated",
};

export function captionPrompt(o: {
  preset: Preset;
  tone: Tone;
  variants: number;
  lang: string;
  description: string;
  ocr?: string;
  request?: string;
}): string {
  return [
    `Write ${o.variants} different ${o.preset.label} captions for this photo, in ${o.lang === "en" ? "English" : `the language with code "${o.lang}"`}.`,
    `Tone: ${TONE_HINT[o.tone]}. Each caption at most ${Math.min(o.preset.captionLimit, o.preset.preview ?? o.preset.captionLimit)} characters. No hashtags.`,
    `What the photo shows: ${o.description}`,
    o.ocr ? `Text visible in the photo: ${o.ocr.slice(0, 300)}` : "",
    o.request ? `The user asked: ${o.request}` : "",
    "Answer with a numbered list, one caption per item.",
  ]
    .filter(Boolean)
    .join("\n");
}

export const ALT_PROMPT =
  "Describe this photo for someone who cannot see it, in one or two plain sentences: who or what is in it, what is happening, and the setting. Do not start with 'Image of' or 'Photo of'.";

/** Captions in each tone, built from the description, for when the model gives fewer than asked. */
export const TEMPLATES: Record<Tone, ((d: string) => string)[]> = {
  casual: [
    (d) => `Just a little ${d} moment ✨`,
    (d) => `Today's vibe: ${d}.`,
    (d) => `Caught this one: ${d} 📸`,
    (d) => `${cap(d)}, and that's the post.`,
  ],
  professional: [
    (d) => `${cap(d)}. Every detail matters.`,
    (d) => `A closer look: ${d}.`,
    (d) => `Focus on what counts: ${d}.`,
    (d) => `${cap(d)} — captured with care.`,
  ],
  playful: [
    (d) => `Plot twist: ${d}! 😄`,
    (d) => `Nobody: … Me: ${d} 🙌`,
    (d) => `${cap(d)}? Yes, please! 🎉`,
    (d) => `Warning: extreme levels of ${d} ahead 🚨`,
  ],
  inspirational: [
    (d) => `Find beauty in the everyday: ${d}.`,
    (d) => `${cap(d)} — a reminder to slow down and look.`,
    (d) => `Every ${d} tells a story. What's yours?`,
    (d) => `Small moments, big meaning: ${d}.`,
  ],
  witty: [
    (d) => `${cap(d)}: not a filter, just reality.`,
    (d) => `Current status: ${d}.`,
    (d) => `I came, I saw, I photographed ${d}.`,
    (d) => `${cap(d)}. You had to be there.`,
  ],
  minimal: [(d) => cap(d), (d) => `${cap(d)}.`, (d) => `— ${d}`, (d) => `${cap(d)} ·`],
};

function cap(s: string): string {
  return s.charAt(0).toLocaleUpperCase() + s.slice(1);
}
