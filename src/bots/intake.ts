import type { Config } from "../config/schema.js";
import type { BlobRef } from "../core/jobs.js";
import { CodedError, ErrorCode } from "../errors.js";
import { loadImage } from "../images/load.js";
import type { Producer } from "../queue/producer.js";
import { ackFirst } from "./ack-first.js";
import { download } from "./download.js";
import { intakeGate } from "./gate.js";

export interface RemoteFile {
  url: string;
  name?: string;
}

/**
 * An adapter's attachments into blobs: at most the configured count, downloaded only from the
 * platform's hosts with the size cap enforced while streaming, validated and normalised, stored.
 */
export interface IntakeOptions {
  config: Config;
  producer: Producer;
  allowedOrigins: string[];
  headers?: Record<string, string>;
  /** Auto-captions: their decoding waits behind people's requests. */
  background?: boolean;
}

export async function intakeImages(files: RemoteFile[], o: IntakeOptions): Promise<BlobRef[]> {
  const { limits } = o.config;
  if (files.length > limits.maxImagesPerRequest)
    throw new CodedError(
      ErrorCode.TooManyImages,
      `Please send at most ${limits.maxImagesPerRequest} images at a time.`,
    );
  const refs: BlobRef[] = [];
  for (const f of files) {
    refs.push(await intakeOne(f, o));
  }
  return refs;
}

async function intakeOne(f: RemoteFile, o: IntakeOptions): Promise<BlobRef> {
  const { limits } = o.config;
  // Acknowledging the events of a burst comes first; this file's bytes would hold them up.
  await ackFirst.settled();
  const bytes = await download(f.url, {
    allowedOrigins: o.allowedOrigins,
    maxBytes: limits.maxImageBytes,
    ...(o.headers ? { headers: o.headers } : {}),
  });
  // Only the decoding is gated: it is the CPU work; a slow download must not hold others up.
  const img = await intakeGate.run(
    () =>
      loadImage(bytes, {
        maxBytes: limits.maxImageBytes,
        maxPixels: limits.maxImagePixels,
        maxEdge: 4096,
      }),
    { background: Boolean(o.background) },
  );
  return o.producer.blobs.put(img.bytes, {
    mime: img.mime,
    width: img.width,
    height: img.height,
    ...(f.name ? { name: f.name.slice(0, 200) } : {}),
  });
}
