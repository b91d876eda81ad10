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
  /**
   * Permission overwrites by channel id, as GUILD_CREATE and GET /channels/:id carry them; REST
   * refuses with 50013 what they take from the bot (Send Messages, Attach Files…).
   */
  overwrites: Record<string, PermissionOverwrite[]>;
}

/** A channel's permission overwrite as Discord sends it: type 0 a role, 1 a member; bit sets as strings. */
export interface PermissionOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

/** The permission bits the stand-in enforces. */
export const PERMISSION = {
  SendMessages: 1n << 11n,
  AttachFiles: 1n << 15n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/**
 * A member's permissions in a channel, as Discord computes them: the guild's (its roles'), then
 * the @everyone overwrite, the member's roles' overwrites together, then the member's own.
 */
export function channelPermissions(
  base: bigint,
  overwrites: PermissionOverwrite[],
  o: { guildId: string; memberId: string; roles: string[] },
): bigint {
  const apply = (p: bigint, allow: bigint, deny: bigint) => (p & ~deny) | allow;
  const everyone = overwrites.find((w) => w.id === o.guildId);
  let p = everyone ? apply(base, BigInt(everyone.allow), BigInt(everyone.deny)) : base;
  const roles = overwrites.filter((w) => w.type === 0 && o.roles.includes(w.id));
  p = apply(
    p,
    roles.reduce((a, w) => a | BigInt(w.allow), 0n),
    roles.reduce((a, w) => a | BigInt(w.deny), 0n),
  );
  const member = overwrites.find((w) => w.type === 1 && w.id === o.memberId);
  return member ? apply(p, BigInt(member.allow), BigInt(member.deny)) : p;
}

/** Generous buckets by default so tests that do not study rate limits are never paced. */
export function defaultLimits(o: Partial<DiscordLimits> = {}): DiscordLimits {
  return {
    bucket: { limit: 50, windowMs: 1000 },
    interactionWindowMs: 3000,
    maxContent: 2000,
    maxUploadBytes: 10 * 1024 * 1024,
    messageContentIntent: true,
    overwrites: {},
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
export const missingPermissions = refusal(403, 50013, "Missing Permissions");

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

/** 50035 for a reply to a message that no longer exists (unless fail_if_not_exists is false). */
export function unknownReference(): Refusal {
  const errors = {
    message_reference: { _errors: [{ code: "REPLIES_UNKNOWN_MESSAGE", message: "Unknown message" }] },
  };
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
