import type { Config } from "../config/schema.js";
import { MAX_TEXT_CHARS } from "../core/jobs.js";
import { download } from "./download.js";

/** An attachment as an adapter sees it, before anyone fetched it. */
export interface IncomingFile {
  url: string;
  name: string;
  contentType?: string | undefined;
  /** The declared size, a hint only: the download enforces the cap. */
  size?: number | undefined;
}

/** A small text file read as part of the question: Discord's message.txt, a .txt or .md upload. */
export function isTextFile(f: { name: string; contentType?: string | undefined }): boolean {
  return /\.(txt|md|markdown)$/i.test(f.name) || /^text\/(plain|markdown)\b/i.test(f.contentType ?? "");
}

/** Files by what the bot does with them: look, read, or leave out (and say so). */
export function sortFiles<F>(
  files: F[],
  o: { isImage(f: F): boolean; isText(f: F): boolean; name(f: F): string },
): { images: F[]; texts: F[]; unused: string[] } {
  const texts = files.filter((f) => !o.isImage(f) && o.isText(f));
  return {
    images: files.filter(o.isImage),
    texts,
    unused: files.filter((f) => !o.isImage(f) && !texts.includes(f)).map(o.name),
  };
}

/**
 * The question with its text files' words after it, within `limits.maxTextFileBytes` per file
 * and the request's own text limit; `unused` names the files left out (too long, unreadable).
 */
export async function withTextFiles(
  question: string,
  files: IncomingFile[],
  o: { config: Config; allowedOrigins: string[]; headers?: Record<string, string> },
): Promise<{ text: string; unused: string[] }> {
  const max = o.config.limits.maxTextFileBytes;
  const parts = question.trim() ? [question.trim()] : [];
  const unused: string[] = [];
  for (const f of files) {
    const room = MAX_TEXT_CHARS - parts.join("\n\n").length - 2;
    if ((f.size ?? 0) > max || room <= 0) {
      unused.push(f.name);
      continue;
    }
    try {
      const bytes = await download(f.url, {
        allowedOrigins: o.allowedOrigins,
        maxBytes: max,
        ...(o.headers ? { headers: o.headers } : {}),
      });
      const words = bytes
        .toString("utf8")
        .replace(/^\uFEFF/, "")
        .trim();
      if (words.length > room) unused.push(f.name);
      else if (words) parts.push(words);
    } catch {
      unused.push(f.name); // too long while streaming, gone, or not on the platform's hosts
    }
  }
  return { text: parts.join("\n\n"), unused };
}

/**
 * The line an answer opens with when some attachments were not used: what the bot reads, so the
 * asker knows why (a PDF, a text file over the limit). None when every file was used.
 */
export function unusedNote(names: string[]): string | undefined {
  if (!names.length) return undefined;
  const listed = names.map((n) => n.slice(0, 100)).join(", ");
  return `(I did not use ${listed}: I read photos and small .txt or .md files.)`;
}
