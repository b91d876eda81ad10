/**
 * What the log may hold of a secret-bearing string or a platform error: nothing of the secret.
 * Platform clients put tokens where field-name redaction cannot see them (discord.js errors carry
 * the webhook URL with the interaction token in `url`, `route` and `majorParameter`, and the
 * message body in `requestBody`; HTTP client errors carry request headers), so strings are
 * redacted by pattern and errors are logged as a summary of scalar facts, never whole.
 */

const PATTERNS: [RegExp, string][] = [
  // Discord: an interaction's token is the path segment after the application or interaction id.
  [/(\/(?:webhooks|interactions)\/)(?:\d+|:id)\/(?!:token\b)[^/\s"'?#\\]+/g, "$1:id/:token"],
  // Slack incoming webhooks and workflow triggers: the path is the secret.
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'\\]+/g, "$1[redacted]"],
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, "xox-[redacted]"],
  [/\bxapp-[A-Za-z0-9-]+/g, "xapp-[redacted]"],
  [/\bBearer\s+[\w.~+/=-]{6,}/gi, "Bearer [redacted]"],
  [/\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/g, "Basic [redacted]"],
  // Discord's Authorization header: "Bot" and a token of dot-separated parts.
  [/\bBot\s+[\w-]+\.[\w.-]+/g, "Bot [redacted]"],
  // Credentials in any URL (redis://:pass@host, https://user:pass@comfy…): up to the last @.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'\\]*@/gi, "$1[redacted]@"],
];

/** The string with every token, webhook path and URL credential replaced. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A request's route with ids and tokens replaced and no query or host, e.g.
 * `/webhooks/:id/:token/messages/@original` for Discord's interaction reply.
 */
function routeOf(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.replace(/[?#].*$/, "");
  }
  return redactText(decodeURIComponentSafe(path))
    .replace(/^\/api(?:\/v\d+)?(?=\/)/, "")
    .replace(/\/\d{5,}(?=\/|$)/g, "/:id");
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Scalar facts worth keeping from a platform error; objects (bodies, requests) are dropped. */
const FACTS = [
  "code",
  "status",
  "statusCode",
  "method",
  "retryAfter",
  "global",
  "scope",
  "limit",
  "timeToReset",
];

/** An error as the log may hold it: name, message, code, status, method, route, stack, cause. */
function safeError(err: unknown, depth = 0): Record<string, unknown> | string {
  if (!(err instanceof Error)) return redactText(String(err));
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { type: redactText(e.name), message: redactText(e.message) };
  for (const key of FACTS) {
    const value = e[key];
    if (typeof value === "string") out[key] = redactText(value);
    else if (typeof value === "number" || typeof value === "boolean") out[key] = value;
  }
  const where = typeof e.url === "string" ? e.url : typeof e.route === "string" ? e.route : undefined;
  if (where) out.route = routeOf(where);
  // Slack's Web API errors name the refusal in data.error ("channel_not_found").
  const data = e.data as { error?: unknown } | undefined;
  if (typeof data?.error === "string") out.platformError = redactText(data.error);
  if (e.stack) out.stack = redactText(e.stack);
  if (e.cause !== undefined && depth < 3) out.cause = safeError(e.cause, depth + 1);
  return out;
}

/** A log record with every Error in it (to a few levels deep) replaced by its safe summary. */
export function withSafeErrors(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return safeError(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => withSafeErrors(v, depth + 1));
  // Only plain records are walked; anything else (a Buffer, a Map) is left to pino as it is.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = withSafeErrors(v, depth + 1);
  return out;
}
