import { countFor } from "./count.js";
import type { Preset } from "./presets.js";
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
