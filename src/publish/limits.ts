import { ErrorCode } from "../errors.js";
import { overLimit } from "../skills/post/count.js";
import { altRule, captionRule, type Preset, sizeText } from "../skills/post/presets.js";
import { PublishError } from "./errors.js";
import { type PublishPost, type PublishTarget, TARGET_LABEL } from "./port.js";

function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** An approved caption longer than the service takes is refused before anything is uploaded. */
function textTooLong(target: PublishTarget, count: number, limit: number, unit: string): PublishError {
  return new PublishError(
    target,
    ErrorCode.PublishRejected,
    `The caption is ${thousands(count)} ${unit}; ${TARGET_LABEL[target]} takes at most ${thousands(limit)}. Nothing was posted; pick a shorter caption.`,
    { retryable: false },
  );
}

/**
 * A post checked against the target's rules (its preset, with what the service says about itself)
 * before anything is uploaded: the caption, the image's alt text, the image's bytes. The error
 * says which rule failed.
 */
export function checkPost(target: PublishTarget, post: PublishPost, rules: Preset): void {
  const name = TARGET_LABEL[target];
  const text = overLimit(captionRule(rules), post.text);
  if (text) throw textTooLong(target, text.count, text.limit, text.unit);
  if (!post.image) return;
  const alt = overLimit(altRule(rules), post.image.altText);
  if (alt)
    throw new PublishError(
      target,
      ErrorCode.PublishRejected,
      `The alt text is ${thousands(alt.count)} ${alt.unit}; ${name} takes at most ${thousands(alt.limit)} for an image description. Nothing was posted; shorten the alt text.`,
      { retryable: false },
    );
  const bytes = post.image.bytes.length;
  if (bytes > rules.maxBytes)
    throw new PublishError(
      target,
      ErrorCode.PublishTooLarge,
      `The image is ${sizeText(bytes)}; ${name} takes at most ${sizeText(rules.maxBytes)}. Nothing was posted; prepare the post for ${name} again, which makes the image fit.`,
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
