import { ErrorCode } from "../errors.js";
import { PublishError } from "./errors.js";
import { type PublishTarget, TARGET_LABEL } from "./port.js";

/** An approved caption longer than the service takes is refused before anything is uploaded. */
export function textTooLong(target: PublishTarget, count: number, limit: number, unit: string): PublishError {
  return new PublishError(
    target,
    ErrorCode.PublishRejected,
    `The caption is ${count} ${unit}; ${TARGET_LABEL[target]} takes at most ${limit}. Nothing was posted; pick a shorter caption.`,
    { retryable: false },
  );
}

/** A short phrase for a request that got no HTTP answer at all. */
export function networkReason(err: unknown): string {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const { name, code } = e as { name?: string; code?: string };
    if (name === "TimeoutError") return "timed out";
    if (name === "AbortError") return "cancelled";
    if (code === "ECONNREFUSED") return "connection refused";
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
    if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection dropped";
    if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") return "timed out";
    e = (e as { cause?: unknown }).cause;
  }
  return "no answer";
}
