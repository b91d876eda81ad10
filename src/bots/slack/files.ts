import type { WebClient } from "@slack/web-api";
import type { Config } from "../../config/schema.js";
import type { BlobRef } from "../../core/jobs.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Producer } from "../../queue/producer.js";
import { intakeImages } from "../intake.js";
import { type IncomingFile, isTextFile, sortFiles } from "../text-files.js";

export interface SlackFile {
  id: string;
  name?: string;
  mimetype?: string;
  filetype?: string;
  url_private?: string;
  url_private_download?: string;
  size?: number;
  /** "check_file_info": a Slack Connect share, which carries only its id (files.info has the rest). */
  file_access?: string;
}

/**
 * Files as the message carries them, with Slack Connect's stubs ({ id, file_access:
 * "check_file_info" }, no URL or type) filled in from files.info. A stub files.info will not
 * describe stays a stub, which no image filter takes.
 */
export async function fileDetails(client: WebClient, files: SlackFile[] | undefined): Promise<SlackFile[]> {
  return Promise.all(
    (files ?? []).map(async (f) => {
      if (f.file_access !== "check_file_info") return f;
      const info = await client.files.info({ file: f.id }).catch(() => undefined);
      return info?.file ? ({ ...(info.file as SlackFile), id: f.id } satisfies SlackFile) : f;
    }),
  );
}

const isImageFile = (f: SlackFile): boolean =>
  (f.mimetype ?? "").startsWith("image/") ||
  /^(jpe?g|png|gif|webp|heic|heif|avif|tiff?)$/i.test(f.filetype ?? "");

export function imageFiles(files: SlackFile[] | undefined): SlackFile[] {
  return (files ?? []).filter(isImageFile);
}

/** A message's files by what the bot does with them: look at, read (.txt/.md), or name as not used. */
export function sortSlackFiles(files: SlackFile[]) {
  return sortFiles(files, {
    isImage: isImageFile,
    isText: (f) => isTextFile({ name: f.name ?? "", contentType: f.mimetype }),
    name: (f) => f.name ?? f.id,
  });
}

/** Slack's file as the shared intake reads it. */
export function incoming(f: SlackFile): IncomingFile {
  return {
    url: f.url_private_download ?? f.url_private ?? "",
    name: f.name ?? f.id,
    contentType: f.mimetype,
    size: f.size,
  };
}

/** Downloads files with the bot token (only from Slack's file hosts), validates them and stores blobs. */
export function storeFiles(
  files: SlackFile[],
  o: { config: Config; token: string; producer: Producer; background?: boolean },
): Promise<BlobRef[]> {
  const remote = files.map((f) => {
    const url = f.url_private_download ?? f.url_private;
    if (!url) throw new CodedError(ErrorCode.FileNotFound, "I could not open that file.");
    return { url, ...(f.name ? { name: f.name } : {}) };
  });
  return intakeImages(remote, {
    config: o.config,
    producer: o.producer,
    allowedOrigins: o.config.slack.fileOrigins.map((u) => new URL(u).origin),
    headers: { authorization: `Bearer ${o.token}` },
    ...(o.background ? { background: true } : {}),
  });
}
