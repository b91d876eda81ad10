import { CodedError, ErrorCode } from "../errors.js";
import { type PublishTarget, TARGET_LABEL } from "./port.js";

/**
 * A publishing failure: a sentence the team can act on, and whether trying the same thing again
 * later may work (rate limits, outages) or needs a change first (credentials, a smaller image).
 */
export class PublishError extends CodedError {
  readonly target: PublishTarget;
  readonly retryable: boolean;

  constructor(
    target: PublishTarget,
    code: ErrorCode,
    message: string,
    options: { retryable: boolean; status?: number; retryAfterS?: number; cause?: unknown },
  ) {
    super(code, message, {
      ...(options.status !== undefined ? { status: options.status } : {}),
      ...(options.retryAfterS !== undefined ? { retryAfterS: options.retryAfterS } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.name = "PublishError";
    this.target = target;
    this.retryable = options.retryable;
  }
}

export function isPublishError(err: unknown): err is PublishError {
  return err instanceof PublishError;
}

/**
 * A remote service's own words, made safe to show: one line, no control characters, short, and
 * without its closing full stop (our sentence has its own).
 */
export function remoteReason(text: unknown): string {
  if (typeof text !== "string") return "";
  return text
    .replace(/[\p{Cc}\p{Cf}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200)
    .replace(/[\s.]+$/, "");
}

function waitPhrase(seconds: number | undefined): string {
  if (!seconds || seconds <= 0) return "in a few minutes";
  if (seconds < 90) return `in ${Math.ceil(seconds)} seconds`;
  return `in about ${Math.ceil(seconds / 60)} minutes`;
}

export interface FailureFacts {
  target: PublishTarget;
  /** HTTP status, when the service answered. */
  status?: number;
  /** The service's reason, already passed through remoteReason. */
  reason?: string;
  retryAfterS?: number;
  /** What the credentials are called, for the auth message. */
  credentials: string;
  /** Where it was sent, for the outage message (no credentials in it). */
  where: string;
  cause?: unknown;
}

/** The one mapping from a failed call to what the team is told. */
export function publishFailure(f: FailureFacts): PublishError {
  const name = TARGET_LABEL[f.target];
  const http = f.status ? ` (HTTP ${f.status})` : "";
  const because = f.reason ? `: ${f.reason}` : "";
  const base = {
    ...(f.status !== undefined ? { status: f.status } : {}),
    ...(f.cause !== undefined ? { cause: f.cause } : {}),
  };
  if (f.status === 401 || f.status === 403)
    return new PublishError(
      f.target,
      ErrorCode.PublishAuth,
      `${name} refused our credentials${http}. Check ${f.credentials}, then try again. Nothing was posted.`,
      { retryable: false, ...base },
    );
  if (f.status === 413)
    return new PublishError(
      f.target,
      ErrorCode.PublishTooLarge,
      `${name} would not take the image: it is larger than the service allows${http}. Nothing was posted; try a smaller image.`,
      { retryable: false, ...base },
    );
  if (f.status === 429)
    return new PublishError(
      f.target,
      ErrorCode.PublishRateLimited,
      `${name} is rate-limiting this account${http}. The post is still pending; try again ${waitPhrase(f.retryAfterS)}.`,
      {
        retryable: true,
        ...base,
        ...(f.retryAfterS !== undefined ? { retryAfterS: f.retryAfterS } : {}),
      },
    );
  if (f.status !== undefined && f.status >= 400 && f.status < 500)
    return new PublishError(
      f.target,
      ErrorCode.PublishRejected,
      `${name} rejected the post${http}${because}. Nothing was posted.`,
      { retryable: false, ...base },
    );
  return new PublishError(
    f.target,
    ErrorCode.PublishUnavailable,
    `${name} at ${f.where} is not answering${f.status ? http : f.reason ? ` (${f.reason})` : ""}. The post is still pending; try again later.`,
    { retryable: true, ...base },
  );
}

export function notConfigured(target: PublishTarget, what: string): PublishError {
  return new PublishError(
    target,
    ErrorCode.PublishNotConfigured,
    `Publishing to ${TARGET_LABEL[target]} is not set up: ${what}.`,
    { retryable: false },
  );
}

/** Seconds until a rate limit resets, from Retry-After or an `*-ratelimit-reset` header. */
export function retryAfterFrom(
  headers: { get(name: string): string | null } | undefined,
): number | undefined {
  if (!headers) return undefined;
  const retry = headers.get("retry-after");
  if (retry) {
    const s = Number(retry);
    if (Number.isFinite(s)) return s;
    const at = Date.parse(retry);
    if (Number.isFinite(at)) return Math.max(0, (at - Date.now()) / 1000);
  }
  const reset = headers.get("x-ratelimit-reset") ?? headers.get("ratelimit-reset");
  if (reset) {
    const n = Number(reset);
    // Bluesky sends epoch seconds; Mastodon an ISO time.
    if (Number.isFinite(n)) return Math.max(0, n > 1e9 ? n - Date.now() / 1000 : n);
    const at = Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(0, (at - Date.now()) / 1000);
  }
  return undefined;
}
