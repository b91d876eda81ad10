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
}

/** fetch with the backend's timeout and the caller's signal, and errors that name the service. */
export async function call(
  url: string,
  init: RequestInit,
  options: { timeoutMs: number; signal: AbortSignal; service: string },
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.any([timeout, options.signal]) });
  } catch (cause) {
    if (options.signal.aborted)
      throw new CodedError(ErrorCode.Aborted, "The request was cancelled.", { cause });
    if (timeout.aborted)
      throw new CodedError(
        ErrorCode.Timeout,
        `The image generator (${options.service}) did not answer within ${options.timeoutMs / 1000} s.`,
        { cause, url },
      );
    throw new CodedError(
      ErrorCode.ImageBackendDown,
      `The image generator (${options.service} at ${new URL(url).origin}) cannot be reached. Please try again later.`,
      {
        cause,
        url,
      },
    );
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 300);
    throw new CodedError(
      ErrorCode.ImageBackendDown,
      `The image generator (${options.service}) refused the request (HTTP ${res.status})${text ? `: ${text}` : ""}.`,
      {
        status: res.status,
        url,
      },
    );
  }
  return res;
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
