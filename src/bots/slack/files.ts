import type { Config } from "../../config/schema.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { loadImage } from "../../images/load.js";
import type { BlobRef } from "../../queue/jobs.js";
import type { Producer } from "../../queue/producer.js";
import { download } from "../download.js";

export interface SlackFile {
  id: string;
  name?: string;
  mimetype?: string;
  filetype?: string;
  url_private?: string;
  url_private_download?: string;
  size?: number;
}

export function imageFiles(files: SlackFile[] | undefined): SlackFile[] {
  return (files ?? []).filter(
    (f) =>
      (f.mimetype ?? "").startsWith("image/") ||
      /^(jpe?g|png|gif|webp|heic|heif|avif|tiff?)$/i.test(f.filetype ?? ""),
  );
}

/** Downloads files with the bot token (only from Slack's file hosts), validates them and stores blobs. */
export async function storeFiles(
  files: SlackFile[],
  o: { config: Config; token: string; producer: Producer },
): Promise<BlobRef[]> {
  const { limits, slack } = o.config;
  if (files.length > limits.maxImagesPerRequest)
    throw new CodedError(
      ErrorCode.TooManyImages,
      `Please send at most ${limits.maxImagesPerRequest} images at a time.`,
    );
  const refs: BlobRef[] = [];
  for (const f of files) {
    const url = f.url_private_download ?? f.url_private;
    if (!url) throw new CodedError(ErrorCode.FileNotFound, "I could not open that file.");
    const bytes = await download(url, {
      allowedOrigins: slack.fileOrigins.map((u) => new URL(u).origin),
      maxBytes: limits.maxImageBytes,
      headers: { authorization: `Bearer ${o.token}` },
    });
    const img = await loadImage(bytes, {
      maxBytes: limits.maxImageBytes,
      maxPixels: limits.maxImagePixels,
      maxEdge: 4096,
    });
    refs.push(
      await o.producer.blobs.put(img.bytes, {
        mime: img.mime,
        width: img.width,
        height: img.height,
        ...(f.name ? { name: f.name.slice(0, 200) } : {}),
      }),
    );
  }
  return refs;
}
