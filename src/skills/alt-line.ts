/**
 * A model answer that ends with an "Alt text: …" line (the caption skill's and the post's
 * describe call ask for one), split leniently: `alt` is absent when the model wrote no such line.
 */
export function splitAltLine(raw: string): { text: string; alt?: string } {
  const text = raw.trim();
  const match = /\n?\s*alt[ -]?text\s*:\s*/i.exec(text);
  if (!match) return { text };
  const before = text.slice(0, match.index).trim();
  const alt = text.slice(match.index + match[0].length).trim();
  return { text: before, ...(alt ? { alt } : {}) };
}
