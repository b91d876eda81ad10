/**
 * The model's caption output as a list of variants, whatever shape it came in: a JSON array or
 * object, a numbered or bulleted list, "Caption 1:" labels, or paragraphs; stray quotes removed.
 */
export function unquote(s: string): string {
  return s
    .trim()
    .replace(/^["“”'‘’`]+|["“”'‘’`]+$/g, "")
    .trim();
}

function fromJson(text: string): string[] | undefined {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  try {
    const data = JSON.parse(
      text.slice(start, Math.max(text.lastIndexOf("]"), text.lastIndexOf("}")) + 1),
    ) as unknown;
    const list = Array.isArray(data)
      ? data
      : typeof data === "object" && data
        ? Object.values(data).find(Array.isArray)
        : undefined;
    if (!Array.isArray(list)) return undefined;
    return list
      .map((v) =>
        typeof v === "string"
          ? v
          : typeof v === "object" && v
            ? String((v as Record<string, unknown>).text ?? (v as Record<string, unknown>).caption ?? "")
            : "",
      )
      .map(unquote)
      .filter(Boolean);
  } catch {
    return undefined;
  }
}

export function parseVariants(raw: string): string[] {
  const text = raw.trim();
  if (!text) return [];
  const json = fromJson(text);
  if (json?.length) return json;
  const item = /^\s*(?:(?:caption|variant|option)\s*\d+\s*[:.)-]|\d+\s*[.):-]|[-*•])\s*/i;
  const lines = text.split(/\n+/);
  if (lines.filter((l) => item.test(l)).length >= 2) {
    const out: string[] = [];
    for (const line of lines) {
      if (item.test(line)) out.push(unquote(line.replace(item, "")));
      else if (out.length && line.trim()) out[out.length - 1] += ` ${line.trim()}`;
    }
    return out.filter(Boolean);
  }
  return text
    .split(/\n{2,}/)
    .map(unquote)
    .filter(Boolean);
}
