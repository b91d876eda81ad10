import { countFor } from "./count.js";
import type { Preset, Tone } from "./presets.js";
import { TEMPLATES } from "./prompts.js";
import { trimToLimit } from "./trim.js";

/** A caption with its hashtags, as it will be pasted, always within the platform's limit. */
export function composePost(
  caption: string,
  hashtags: string[],
  preset: Preset,
): { text: string; hashtags: string[]; chars: number } {
  let tags = hashtags.slice(0, Math.min(preset.suggestedHashtags, preset.maxHashtags));
  // Hashtags never take more than a third of the room; the caption matters more.
  while (tags.length && countFor(preset.counting, tags.join(" ")) > preset.captionLimit / 3)
    tags = tags.slice(0, -1);
  const tagLine = tags.join(" ");
  const budget = preset.captionLimit - (tags.length ? countFor(preset.counting, `\n\n${tagLine}`) : 0);
  const body = trimToLimit(caption, budget, preset.counting);
  const text = tags.length ? `${body}\n\n${tagLine}` : body;
  return { text, hashtags: tags, chars: countFor(preset.counting, text) };
}

/** A short phrase from a description, for caption templates: first sentence, no final stop. */
export function gist(description: string): string {
  const first = description.trim().split(/(?<=[.!?])\s/)[0] ?? description;
  const phrase = first.replace(/[.!?]+$/, "").trim();
  const short = trimToLimit(phrase, 90, "graphemes").replace(/…$/, "");
  return short.charAt(0).toLocaleLowerCase() + short.slice(1);
}

/** The model's captions, topped up from tone templates so there are always `n` distinct ones. */
export function fillVariants(fromModel: string[], n: number, tone: Tone, description: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (s: string) => {
    const k = s.trim().toLowerCase();
    if (k && !seen.has(k)) {
      seen.add(k);
      out.push(s.trim());
    }
  };
  for (const v of fromModel) if (out.length < n) add(v);
  const phrase = gist(description) || "this moment";
  for (const t of TEMPLATES[tone]) if (out.length < n) add(t(phrase));
  for (const t of Object.values(TEMPLATES).flat()) if (out.length < n) add(t(phrase));
  return out;
}
