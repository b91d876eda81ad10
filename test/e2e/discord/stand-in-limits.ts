import { createHash } from "node:crypto";

/**
 * What the Discord stand-in refuses, as Discord does: the JSON error bodies and status codes of
 * the real API, so an adapter that passes here handles the same answers in production.
 */
export interface DiscordLimits {
  /** Requests per rate-limit bucket per window (a bucket is a route and its major parameter). */
  bucket: { limit: number; windowMs: number };
  /** How long after dispatch an interaction may still be acknowledged. */
  interactionWindowMs: number;
  /** Characters of message content. */
  maxContent: number;
  /** Bytes of files in one request. */
  maxUploadBytes: number;
  /**
   * Whether the application may use the Message Content intent (the portal's privileged-intent
   * switch): when not, an IDENTIFY asking for it is closed with 4014, Disallowed intent(s).
   */
  messageContentIntent: boolean;
}

/** Generous buckets by default so tests that do not study rate limits are never paced. */
export function defaultLimits(o: Partial<DiscordLimits> = {}): DiscordLimits {
  return {
    bucket: { limit: 50, windowMs: 1000 },
    interactionWindowMs: 3000,
    maxContent: 2000,
    maxUploadBytes: 10 * 1024 * 1024,
    messageContentIntent: true,
    ...o,
  };
}

export interface Refusal {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A refusal with Discord's JSON error body: a message and a numeric code. */
const refusal = (status: number, code: number, message: string) => (): Refusal => ({
  status,
  body: { message, code },
});

export const unknownInteraction = refusal(404, 10062, "Unknown interaction");
export const alreadyAcknowledged = refusal(400, 40060, "Interaction has already been acknowledged.");
export const unknownWebhook = refusal(404, 10015, "Unknown Webhook");
export const tooLarge = refusal(413, 40005, "Request entity too large");

/** 50035 with the field path Discord reports, e.g. data.content for an interaction callback. */
export function contentTooLong(json: Record<string, unknown> | undefined, max: number): Refusal | undefined {
  const nested = json?.data as Record<string, unknown> | undefined;
  const [content, path] =
    typeof json?.content === "string"
      ? [json.content, ["content"]]
      : typeof nested?.content === "string"
        ? [nested.content, ["data", "content"]]
        : [undefined, []];
  if (content === undefined || [...content].length <= max) return undefined;
  let errors: Record<string, unknown> = {
    _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` }],
  };
  for (const key of path.reverse()) errors = { [key]: errors };
  return { status: 400, body: { message: "Invalid Form Body", code: 50035, errors } };
}

/**
 * Fixed-window buckets keyed like Discord's: method and route with message ids folded, so each
 * channel or interaction token is its own bucket. Callbacks are not rate limited (as on Discord).
 */
export function rateLimiter(limits: () => DiscordLimits) {
  const buckets = new Map<string, { count: number; resetAt: number }>();
  const template = (path: string) => path.replace(/\/messages\/\d+/, "/messages/:id");
  return {
    /** Counts the request; a 429 when the bucket is spent, otherwise the headers to send. */
    take(method: string, path: string): { headers: Record<string, string>; refusal?: Refusal } {
      const { limit, windowMs } = limits().bucket;
      const key = `${method} ${template(path)}`;
      const now = Date.now();
      let b = buckets.get(key);
      if (!b || now >= b.resetAt) {
        b = { count: 0, resetAt: now + windowMs };
        buckets.set(key, b);
      }
      const resetAfter = Math.max(0, (b.resetAt - now) / 1000);
      const headers = {
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": String(Math.max(0, limit - b.count - 1)),
        "x-ratelimit-reset": ((now + resetAfter * 1000) / 1000).toFixed(3),
        "x-ratelimit-reset-after": resetAfter.toFixed(3),
        "x-ratelimit-bucket": createHash("sha1")
          .update(`${method} ${template(path).replace(/\d+/g, ":id")}`)
          .digest("hex")
          .slice(0, 16),
      };
      if (b.count < limit) {
        b.count++;
        return { headers };
      }
      headers["x-ratelimit-remaining"] = "0";
      return {
        headers,
        refusal: {
          status: 429,
          headers: { ...headers, "retry-after": String(Math.ceil(resetAfter)), "x-ratelimit-scope": "user" },
          body: {
            message: "You are being rate limited.",
            retry_after: Number(resetAfter.toFixed(3)),
            global: false,
          },
        },
      };
    },
  };
}
