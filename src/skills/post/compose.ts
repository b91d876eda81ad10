import { countFor, fits, type TextRule, utf8Bytes } from "./count.js";
import { parseHashtags } from "./hashtags.js";
import { captionRule, type Preset } from "./presets.js";
import { trimToLimit } from "./trim.js";

function countOf(rule: TextRule, text: string): number {
  return countFor(rule.counting, text, rule.urlLength ? { urlLength: rule.urlLength } : {});
}

/** The rule for the caption's body once a tag line takes its share. */
function bodyRule(rule: TextRule, tagLine: string): TextRule {
  if (!tagLine) return rule;
  const tail = `\n\n${tagLine}`;
  return {
    ...rule,
    limit: rule.limit - countOf(rule, tail),
    ...(rule.maxBytes !== undefined ? { maxBytes: rule.maxBytes - utf8Bytes(tail) } : {}),
  };
}

/**
 * A caption with its hashtags, as it will be pasted, always within the network's rules. Hashtags
 * the caption already has in a sentence count towards the network's cap and are not repeated.
 */
export function composePost(
  caption: string,
  hashtags: string[],
  preset: Preset,
): { text: string; hashtags: string[]; chars: number } {
  const rule = captionRule(preset);
  const inCaption = new Set(parseHashtags(caption).map((t) => t.toLowerCase()));
  const room = Math.max(0, Math.min(preset.suggestedHashtags, preset.maxHashtags - inCaption.size));
  let tags = hashtags.filter((t) => !inCaption.has(t.toLowerCase())).slice(0, room);
  // Hashtags never take more than a third of the room; the caption matters more.
  while (tags.length && countOf(rule, tags.join(" ")) > rule.limit / 3) tags = tags.slice(0, -1);
  for (;;) {
    const tagLine = tags.join(" ");
    const body = trimToLimit(caption, bodyRule(rule, tagLine));
    const text = tags.length ? `${body}\n\n${tagLine}` : body;
    // Counts are nearly additive; when joining changes them, one tag fewer.
    if (fits(rule, text) || !tags.length) return { text, hashtags: tags, chars: countOf(rule, text) };
    tags = tags.slice(0, -1);
  }
}
