import { randomBytes } from "node:crypto";

/**
 * Every failure has a string code. User-caused ones carry a friendly sentence that may be shown
 * in chat as is; everything else is internal and reaches users only as a generic line with an error id.
 */
export enum ErrorCode {
  // user-caused
  NoImage = "no_image",
  TooManyImages = "too_many_images",
  ImageTooLarge = "image_too_large",
  ImageTooManyPixels = "image_too_many_pixels",
  UnsupportedFormat = "unsupported_format",
  CorruptImage = "corrupt_image",
  FileNotFound = "file_not_found",
  DisallowedHost = "disallowed_host",
  BadRequest = "bad_request",
  RateLimited = "rate_limited",
  TooManyInFlight = "too_many_in_flight",
  BlobExpired = "blob_expired",
  BackendMissing = "backend_missing",
  NotAllowed = "not_allowed",
  // publishing an approved post (the messages say which service and what to do)
  PublishNotConfigured = "publish_not_configured",
  PublishAuth = "publish_auth",
  PublishTooLarge = "publish_too_large",
  PublishRateLimited = "publish_rate_limited",
  PublishRejected = "publish_rejected",
  PublishUnavailable = "publish_unavailable",
  // operator-caused
  ConfigInvalid = "config_invalid",
  ModelNotFound = "model_not_found",
  ModelUnsupported = "model_unsupported",
  ModelLoading = "model_loading",
  ModelServerDown = "model_server_down",
  ModelServerRejected = "model_server_rejected",
  ImageBackendDown = "image_backend_down",
  RedisMissing = "redis_missing",
  // anything else
  Timeout = "timeout",
  Aborted = "aborted",
  Internal = "internal",
}

const USER_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.NoImage,
  ErrorCode.TooManyImages,
  ErrorCode.ImageTooLarge,
  ErrorCode.ImageTooManyPixels,
  ErrorCode.UnsupportedFormat,
  ErrorCode.CorruptImage,
  ErrorCode.FileNotFound,
  ErrorCode.DisallowedHost,
  ErrorCode.BadRequest,
  ErrorCode.RateLimited,
  ErrorCode.TooManyInFlight,
  ErrorCode.BlobExpired,
  ErrorCode.BackendMissing,
  ErrorCode.NotAllowed,
  ErrorCode.PublishNotConfigured,
  ErrorCode.PublishAuth,
  ErrorCode.PublishTooLarge,
  ErrorCode.PublishRateLimited,
  ErrorCode.PublishRejected,
  ErrorCode.PublishUnavailable,
]);

/**
 * Refusals about the asker's own pace (too many requests of theirs, or of their server at once):
 * told to them alone where the platform allows it, not posted for the whole channel to read.
 */
export function isPersonalRefusal(err: unknown): boolean {
  return isCodedError(err) && (err.code === ErrorCode.RateLimited || err.code === ErrorCode.TooManyInFlight);
}

export interface CodedErrorOptions {
  cause?: unknown;
  /** HTTP status of a remote peer, when one answered. */
  status?: number;
  /** Remote URL involved, without credentials. */
  url?: string;
  /** Seconds after which a retry may succeed (rate limits). */
  retryAfterS?: number;
}

export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly url: string | undefined;
  readonly retryAfterS: number | undefined;

  constructor(code: ErrorCode, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CodedError";
    this.code = code;
    this.status = options.status;
    this.url = options.url;
    this.retryAfterS = options.retryAfterS;
  }

  /** True when the message is written for the person who caused it and is safe to show in chat. */
  get userFacing(): boolean {
    return USER_CODES.has(this.code);
  }
}

export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}

export function newErrorId(): string {
  return randomBytes(4).toString("hex");
}

/**
 * What a user sees for any failure: the friendly sentence for user-caused errors, otherwise a
 * generic line with an error id that operators can find in the log.
 */
export function userMessage(err: unknown, errorId: string): string {
  if (isCodedError(err)) {
    if (err.userFacing) return err.message;
    if (err.code === ErrorCode.Timeout)
      return `That took too long and was stopped. Please try again. (error id ${errorId})`;
    if (err.code === ErrorCode.ModelServerDown || err.code === ErrorCode.ModelNotFound)
      return `The model is not available right now. Please try again later. (error id ${errorId})`;
  }
  return `Something went wrong on our side. (error id ${errorId})`;
}
