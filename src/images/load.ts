import sharp, { type Metadata } from "sharp";
import type { ModelImage } from "../core/model-port.js";
import { CodedError, ErrorCode } from "../errors.js";
import { decodeHeic } from "./heic/pool.js";
import { type Normalised, normalise } from "./normalise.js";
import { type Sniffed, sniff } from "./sniff.js";

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
  /** Long edge after shrink-on-load; photos larger than this never reach the model at full size. */
  maxEdge?: number;
}

export interface LoadedImage extends ModelImage {
  format: Sniffed;
  /** Size before orientation and shrinking. */
  original: { width: number; height: number };
}

const SUPPORTED_FORMATS = "JPEG, PNG, WebP, HEIC/HEIF, GIF (first frame), AVIF or TIFF";

function mb(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

function unsupported(format: Sniffed): CodedError {
  const what: Partial<Record<Sniffed, string>> = {
    svg: "SVG drawings are not supported",
    pdf: "PDF files are not supported",
  };
  return new CodedError(
    ErrorCode.UnsupportedFormat,
    `${what[format] ?? "That file is not an image I can read"}. Please send a ${SUPPORTED_FORMATS} image.`,
  );
}

/** Checks size and format before any decoding, so a hostile file costs nothing. */
function checkBytes(bytes: Buffer, limits: Pick<ImageLimits, "maxBytes">): Sniffed {
  if (bytes.length > limits.maxBytes)
    throw new CodedError(
      ErrorCode.ImageTooLarge,
      `That image is ${mb(bytes.length)}; the limit is ${mb(limits.maxBytes)}.`,
    );
  if (bytes.length === 0)
    throw new CodedError(ErrorCode.CorruptImage, "That file is empty. Please upload the image again.");
  const format = sniff(bytes);
  if (format === "unknown" || format === "svg" || format === "pdf") throw unsupported(format);
  return format;
}

/**
 * Validates and normalises an upload for the model: real format from magic bytes, byte and pixel
 * limits, EXIF orientation applied, shrunk on load, alpha flattened onto white, re-encoded.
 */
export async function loadImage(bytes: Buffer, limits: ImageLimits): Promise<LoadedImage> {
  const format = checkBytes(bytes, limits);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw damaged(cause);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height)
    throw new CodedError(ErrorCode.CorruptImage, "That image has no size and cannot be opened.");
  // From the header only (for HEIC: the primary image, after its rotation), before any decoding.
  if (width * height > limits.maxPixels) throw tooManyPixels(width, height, limits.maxPixels);
  const edge = limits.maxEdge ?? 4096;
  if (format === "heic")
    return { ...(await loadHeic(bytes, limits.maxPixels, edge)), format, original: { width, height } };
  const photo = format === "jpeg" || format === "webp" || format === "avif";
  try {
    const input = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "truncated", animated: false });
    const out = await normalise(input, { edge, hasAlpha: Boolean(meta.hasAlpha), photo });
    return { ...out, format, original: { width, height } };
  } catch (cause) {
    throw damaged(cause);
  }
}

function tooManyPixels(width: number, height: number, maxPixels: number): CodedError {
  return new CodedError(
    ErrorCode.ImageTooManyPixels,
    `That image is ${width}×${height} pixels (${Math.round((width * height) / 1e6)} MP); the limit is ${Math.round(maxPixels / 1e6)} MP.`,
  );
}

function damaged(cause: unknown): CodedError {
  return new CodedError(
    ErrorCode.CorruptImage,
    "That image looks damaged or incomplete. Please upload it again.",
    { cause },
  );
}

/**
 * sharp's libvips reads HEIC headers but has no HEVC decoder: libheif's WebAssembly build decodes
 * the primary image (rotation and mirror applied) in a decoder process, which also normalises it,
 * so the main thread never holds its decoded pixels.
 */
async function loadHeic(bytes: Buffer, maxPixels: number, edge: number): Promise<Normalised> {
  const out = await decodeHeic(bytes, { maxPixels, edge });
  if (out.kind === "too-many-pixels") throw tooManyPixels(out.width, out.height, maxPixels);
  if (out.kind === "corrupt") throw damaged(new Error(out.detail));
  return {
    bytes: out.bytes,
    mime: out.mime,
    width: out.width,
    height: out.height,
  };
}
