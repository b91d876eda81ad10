import sharp from "sharp";
import { CodedError, ErrorCode } from "../../errors.js";

/** A text-to-image / image-to-image service the `generate` skill talks to. */
export interface ImageBackend {
  readonly name: "comfyui" | "a1111" | "openai";
  txt2img(request: {
    prompt: string;
    width: number;
    height: number;
    seed: number;
    signal: AbortSignal;
  }): Promise<Buffer>;
  img2img(request: {
    prompt: string;
    image: Buffer;
    strength: number;
    seed: number;
    signal: AbortSignal;
  }): Promise<Buffer>;
}

export interface BackendOptions {
  url: string;
  apiKey?: string;
  model?: string;
  workflow?: string;
  timeoutMs: number;
  /** The most bytes any one answer of the backend may hold (an image, or JSON with one in base64). */
  maxBytes: number;
}

/**
 * Where to send a backend's requests, and the login its URL held (`https://user:pass@comfy…`),
 * sent as Basic auth instead: fetch refuses URLs with credentials, and an address with a
 * password in it must never reach a message or the log. `shown` is the URL as messages name it.
 */
export function backendAddress(url: string): {
  base: string;
  shown: string;
  headers: Record<string, string>;
} {
  const u = new URL(url);
  const headers: Record<string, string> = {};
  if (u.username || u.password) {
    const login = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    headers.authorization = `Basic ${Buffer.from(login).toString("base64")}`;
  }
  u.username = "";
  u.password = "";
  const base = u.toString().replace(/\/+$/, "");
  return { base, shown: u.origin, headers };
}

interface CallOptions {
  timeoutMs: number;
  signal: AbortSignal;
  service: string;
  maxBytes: number;
}

/** A backend's answer, read within the call's timeout and size cap. */
export interface BackendReply {
  json<T>(): Promise<T>;
  bytes(): Promise<Buffer>;
}

/** Why a request or the reading of its answer stopped: cancelled, too slow, or unreachable. */
function failure(cause: unknown, url: string, timeout: AbortSignal, options: CallOptions): CodedError {
  const shown = new URL(url).origin;
  if (options.signal.aborted)
    return new CodedError(ErrorCode.Aborted, "The request was cancelled.", { cause });
  if (timeout.aborted)
    return new CodedError(
      ErrorCode.Timeout,
      `The image generator (${options.service}) did not answer within ${options.timeoutMs / 1000} s.`,
      { cause, url: shown },
    );
  return new CodedError(
    ErrorCode.ImageBackendDown,
    `The image generator (${options.service} at ${shown}) cannot be reached. Please try again later.`,
    { cause, url: shown },
  );
}

/** Reads a body up to `max` bytes; past it, stops reading and answers undefined. */
async function readUpTo(res: Response, max: number): Promise<Buffer | undefined> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.byteLength;
    if (total > max) return undefined; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * fetch with the backend's timeout and the caller's signal (both also bound the reading of the
 * answer), a cap on the answer's size, and errors that name the service, never a login.
 */
export async function call(url: string, init: RequestInit, options: CallOptions): Promise<BackendReply> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const shown = new URL(url).origin;
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.any([timeout, options.signal]) });
  } catch (cause) {
    throw failure(cause, url, timeout, options);
  }
  if (!res.ok) {
    // A refusal's own words help operators; a few hundred characters of them are enough.
    const said = await readUpTo(res, 4096).catch(() => undefined);
    const text = said?.toString("utf8").slice(0, 300) ?? "";
    throw new CodedError(
      ErrorCode.ImageBackendDown,
      `The image generator (${options.service}) refused the request (HTTP ${res.status})${text ? `: ${text}` : ""}.`,
      { status: res.status, url: shown },
    );
  }
  let read: Promise<Buffer> | undefined;
  const bytes = () => {
    read ??= readUpTo(res, options.maxBytes).then(
      (body) => {
        if (body) return body;
        throw new CodedError(
          ErrorCode.ImageBackendDown,
          `The image generator (${options.service}) sent an answer over ${Math.round(options.maxBytes / 1024 / 1024)} MB; it was not read.`,
          { url: shown },
        );
      },
      (cause: unknown) => {
        throw failure(cause, url, timeout, options);
      },
    );
    return read;
  };
  return {
    bytes,
    async json<T>() {
      const body = await bytes();
      try {
        return JSON.parse(body.toString("utf8")) as T;
      } catch (cause) {
        throw new CodedError(
          ErrorCode.ImageBackendDown,
          `The image generator (${options.service}) answered with something that is not JSON.`,
          { cause, url: shown },
        );
      }
    },
  };
}

/** Output from a backend is checked like any upload: it must really be an image. */
export async function checkImage(
  bytes: Buffer,
  service: string,
): Promise<{ bytes: Buffer; width: number; height: number }> {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error("no size");
    const png = meta.format === "png" ? bytes : await sharp(bytes).png().toBuffer();
    return { bytes: png, width: meta.width, height: meta.height };
  } catch (cause) {
    throw new CodedError(
      ErrorCode.ImageBackendDown,
      `The image generator (${service}) returned something that is not an image.`,
      { cause },
    );
  }
}
