const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The longest cut of `text` within `limit` characters that ends at a nice boundary. */
function cutPoint(text: string, limit: number): number {
  // Never inside a grapheme cluster.
  let safe = 0;
  for (const s of graphemes.segment(text)) {
    if (s.index + s.segment.length > limit) break;
    safe = s.index + s.segment.length;
  }
  const head = text.slice(0, safe);
  for (const boundary of ["\n\n", "\n", ". ", "! ", "? ", " "]) {
    const at = head.lastIndexOf(boundary);
    if (at > safe * 0.5) return at + boundary.length;
  }
  return safe;
}

/**
 * Splits a long answer into messages within a platform's limit, at paragraph, sentence or word
 * boundaries; a ``` code block cut in two is closed and reopened (same language) across messages.
 */
export function splitMessage(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  let reopen = "";
  while (rest.length) {
    const budget = limit - reopen.length - 4; // room to close a fence
    if ((reopen + rest).length <= limit) {
      out.push(reopen + rest);
      break;
    }
    const cut = Math.max(1, cutPoint(rest, budget));
    let chunk = reopen + rest.slice(0, cut).trimEnd();
    rest = rest.slice(cut).trimStart();
    const fences = chunk.match(/```[^\n`]*/g) ?? [];
    if (fences.length % 2 === 1) {
      const opening = [...chunk.matchAll(/```([^\n`]*)/g)];
      const lang = opening.at(-1)?.[1] ?? "";
      chunk += "\n```";
      reopen = `\`\`\`${lang}\n`;
    } else {
      reopen = "";
    }
    out.push(chunk);
  }
  return out.filter((c) => c.trim().length > 0);
}

/**
 * Markdown links in model text shown for what they are: `[label](url)` (also `[label](<url>)`)
 * becomes `label (url)`, or the URL alone when the label is the URL. Model output is untrusted
 * (text in an uploaded image can steer it), and a masked link can show one address and open
 * another, such as `[https://slack.com/signin](https://evil.example/phish)`.
 */
export function unmaskLinks(text: string): string {
  return text.replace(
    /\[([^\]\n]{1,200})\]\(\s*<?(https?:\/\/[^\s)>]+)>?(?:\s+"[^"\n]*")?\s*\)/g,
    (_, label: string, url: string) => (label.trim() === url ? url : `${label} (${url})`),
  );
}
