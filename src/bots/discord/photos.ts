import type { Message } from "discord.js";
import type { IncomingFile } from "../text-files.js";

const IMAGE_NAME = /\.(jpe?g|png|gif|webp|heic|heif|avif|tiff?)$/i;

/** What a message shows: its words, files and embeds (a forward's snapshot has the same parts). */
type Shown = Pick<Message, "content" | "attachments" | "embeds"> & {
  messageSnapshots?: Message["messageSnapshots"] | null;
};

export function isImage(f: { name: string; contentType?: string | undefined | null }): boolean {
  return (f.contentType ?? "").startsWith("image/") || IMAGE_NAME.test(f.name);
}

/** The URL as allowed, or undefined when it is not on one of Discord's file hosts. */
function onCdn(url: string | undefined | null, cdn: readonly string[]): URL | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return cdn.includes(u.origin) ? u : undefined;
  } catch {
    return undefined;
  }
}

const named = (u: URL): IncomingFile => ({
  url: u.toString(),
  name: decodeURIComponent(u.pathname.split("/").at(-1) || "image"),
});

/**
 * Images a message links to on Discord's own CDN: links in its words that name an image, and
 * its embeds' pictures (the embed Discord adds for such a link, or a bot's). Links elsewhere are
 * never fetched: only the platform's hosts are.
 */
function linkedImages(m: Shown, cdn: readonly string[]): IncomingFile[] {
  const links = [...m.content.matchAll(/https?:\/\/[^\s<>()]+/g)]
    .map((x) => onCdn(x[0], cdn))
    .filter((u): u is URL => u !== undefined && IMAGE_NAME.test(u.pathname));
  const embedded = m.embeds.flatMap((e) => {
    const u = [e.image?.url, e.image?.proxyURL, e.thumbnail?.url, e.thumbnail?.proxyURL]
      .map((c) => onCdn(c, cdn))
      .find(Boolean);
    return u ? [u] : [];
  });
  return [...links, ...embedded].map(named);
}

/**
 * Every file a message brings, in order: its attachments, a forwarded message's (Discord puts
 * them in `messageSnapshots`), then images linked from Discord's CDN. Each once: a link and the
 * embed Discord made for it are the same file.
 */
export function filesOf(m: Shown, cdn: readonly string[]): IncomingFile[] {
  const own = [...m.attachments.values()].map((a) => ({
    url: a.url,
    name: a.name,
    contentType: a.contentType ?? undefined,
    size: a.size,
  }));
  const forwarded = [...(m.messageSnapshots?.values() ?? [])].flatMap((s) => filesOf(s, cdn));
  const seen = new Set<string>();
  return [...own, ...forwarded, ...linkedImages(m, cdn)].filter((f) => {
    const key = new URL(f.url).pathname;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const photosOf = (m: Shown, cdn: readonly string[]) => filesOf(m, cdn).filter(isImage);
