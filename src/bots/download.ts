import { CodedError, ErrorCode } from "../errors.js";
import { logger } from "../log.js";

export interface DownloadOptions {
  /** Exact origins (scheme://host[:port]) files may come from, e.g. https://files.slack.com. */
  allowedOrigins: readonly string[];
  maxBytes: number;
  /** Sent only to allowed origins (e.g. the bot token for Slack's file host). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A URL's scheme://host[:port], or undefined when it is not a URL. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Fetches a platform attachment safely: only from the platform's own file hosts, redirects
 * followed by hand and each hop checked again (credentials never leave those hosts), and the
 * size cap enforced while streaming, whatever Content-Length claims.
 */
export async function download(url: string, o: DownloadOptions): Promise<Buffer> {
  let current = url;
  for (let hop = 0; hop < 4; hop++) {
    const origin = originOf(current);
    if (!origin || !o.allowedOrigins.includes(origin))
      throw new CodedError(
        ErrorCode.DisallowedHost,
        "I can only fetch files from the platform's own file hosts.",
        { url: origin ?? "invalid" },
      );
    const signals = [AbortSignal.timeout(o.timeoutMs ?? 30_000), ...(o.signal ? [o.signal] : [])];
    let res: Response;
    try {
      res = await fetch(current, {
        headers: o.headers ?? {},
        redirect: "manual",
        signal: AbortSignal.any(signals),
      });
    } catch (cause) {
      throw new CodedError(ErrorCode.FileNotFound, "I could not download that file. Please try again.", {
        cause,
        url: origin,
      });
    }
    if (res.status >= 300 && res.status < 400) {
      const next = res.headers.get("location");
      if (!next) break;
      current = new URL(next, current).toString();
      continue;
    }
    if (res.status === 404 || res.status === 403 || res.status === 401)
      throw new CodedError(
        ErrorCode.FileNotFound,
        "I could not open that file (it may have been deleted or is not shared with me).",
        { status: res.status, url: origin },
      );
    if (!res.ok || !res.body)
      throw new CodedError(ErrorCode.FileNotFound, `Downloading that file failed (HTTP ${res.status}).`, {
        status: res.status,
        url: origin,
      });
    // Slack's file host answers a download without a usable token (none sent, or one lacking
    // files:read) with its HTML sign-in page and status 200, not an error status.
    if (/^\s*text\/html/i.test(res.headers.get("content-type") ?? "")) {
      await res.body.cancel().catch(() => undefined);
      logger().warn(
        { url: origin },
        "file host sent a web page instead of the file (for Slack: does the bot token have files:read?)",
      );
      throw new CodedError(
        ErrorCode.UnsupportedFormat,
        "That file came back as a sign-in web page, not an image I can read. I may be missing permission to read files here; please tell whoever runs me.",
        { status: res.status, url: origin },
      );
    }
    const declared = Number(res.headers.get("content-length") ?? "0");
    const mb = `${Math.round(o.maxBytes / 1048576)} MB`;
    if (declared > o.maxBytes) {
      await res.body.cancel();
      throw new CodedError(ErrorCode.ImageTooLarge, `That file is larger than the ${mb} limit.`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > o.maxBytes) {
        await res.body.cancel().catch(() => undefined);
        throw new CodedError(ErrorCode.ImageTooLarge, `That file is larger than the ${mb} limit.`);
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
  throw new CodedError(ErrorCode.FileNotFound, "That file link redirects too often.");
}
