/**
 * What the Slack stand-in refuses, as Slack's Web API does: `msg_too_long`, `invalid_blocks` (a
 * section block's text over 3,000 characters), `ratelimited` (HTTP
 * 429 with Retry-After), `not_in_channel` / `channel_not_found`, `missing_scope` (with the scope
 * it `needed` and those `provided`), and a file host that answers a
 * request without a usable token with its HTML sign-in page (status 200).
 */
export interface SlackLimits {
  /** Characters of `text` in one message. */
  maxText: number;
  /** Characters of a section block's text (Block Kit reference: "Maximum length … is 3000 characters"). */
  maxSectionText: number;
  /** Calls per method per workspace per window; methods not listed are not limited. */
  rates: Record<string, { limit: number; windowMs: number }>;
  /** Public channels the bot is not a member of: `not_in_channel`. */
  notIn: Set<string>;
  /** Channels the bot cannot see (deleted, or private without it): `channel_not_found`. */
  missing: Set<string>;
  /** False: the token lacks files:read, so even with it the file host sends its sign-in page. */
  filesReadable: boolean;
  /** Scopes the app was installed without: a method that needs one is refused with `missing_scope`. */
  missingScopes: Set<string>;
}

/** The bot scope each Web API method the adapter calls needs (Slack's method reference). */
const METHOD_SCOPE: Record<string, string> = {
  "chat.postMessage": "chat:write",
  "chat.update": "chat:write",
  "chat.delete": "chat:write",
  "chat.postEphemeral": "chat:write",
  "reactions.add": "reactions:write",
  "conversations.history": "channels:history",
  "conversations.replies": "channels:history",
  "files.info": "files:read",
  "files.getUploadURLExternal": "files:write",
  "files.completeUploadExternal": "files:write",
  "users.info": "users:read",
};
const SCOPES = [...new Set(Object.values(METHOD_SCOPE)), "app_mentions:read", "commands", "im:history"];

export function defaultSlackLimits(o: Partial<SlackLimits> = {}): SlackLimits {
  return {
    maxText: 40_000,
    maxSectionText: 3000,
    // chat.update is Tier 3: about 50 a minute per workspace.
    rates: { "chat.update": { limit: 50, windowMs: 60_000 } },
    notIn: new Set(),
    missing: new Set(),
    filesReadable: true,
    missingScopes: new Set(),
    ...o,
  };
}

export const SIGN_IN_PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Slack</title></head>' +
  '<body><form id="signin_form" action="/signin" method="post"><h1>Sign in to Test</h1>' +
  '<input type="email" name="email"><input type="password" name="password"></form></body></html>';

/** Methods that act in a channel, and the argument naming it. */
const CHANNEL_ARG: Record<string, string> = {
  "chat.postMessage": "channel",
  "chat.update": "channel",
  "chat.delete": "channel",
  "chat.postEphemeral": "channel",
  "reactions.add": "channel",
  "conversations.history": "channel",
  "conversations.replies": "channel",
  "files.completeUploadExternal": "channel_id",
};

const TEXT_METHODS = new Set(["chat.postMessage", "chat.update", "chat.postEphemeral"]);

export interface SlackRefusal {
  status: number;
  error: string;
  headers?: Record<string, string>;
  /** Slack's detail for `invalid_blocks`: which block, and why. */
  errors?: string[];
  /** For `missing_scope`: the scope the call needed, and the token's scopes (comma-separated). */
  needed?: string;
  provided?: string;
}

/** Slack's complaint for each section block whose text is past the limit, with its JSON pointer. */
function sectionErrors(blocks: unknown, max: number): string[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b: { type?: string; text?: { text?: unknown } }, i) =>
    b?.type === "section" && typeof b.text?.text === "string" && [...b.text.text].length > max
      ? [`must be less than ${max + 1} characters [json-pointer:/blocks/${i}/text/text]`]
      : [],
  );
}

/** The refusal for one Web API call, if Slack would refuse it; counts it against its rate. */
export function slackRefuser(limits: SlackLimits) {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return (method: string, args: Record<string, unknown>, team: string): SlackRefusal | undefined => {
    const rate = limits.rates[method];
    if (rate) {
      // A test that changes the rate starts from a fresh window.
      const key = `${team} ${method} ${rate.limit}/${rate.windowMs}`;
      const now = Date.now();
      let w = windows.get(key);
      if (!w || now >= w.resetAt) {
        w = { count: 0, resetAt: now + rate.windowMs };
        windows.set(key, w);
      }
      if (w.count >= rate.limit) {
        const retryAfter = String(Math.max(1, Math.ceil((w.resetAt - now) / 1000)));
        return { status: 429, error: "ratelimited", headers: { "retry-after": retryAfter } };
      }
      w.count++;
    }
    const scope = METHOD_SCOPE[method];
    if (scope && limits.missingScopes.has(scope))
      return {
        status: 200,
        error: "missing_scope",
        needed: scope,
        provided: SCOPES.filter((s) => !limits.missingScopes.has(s)).join(","),
      };
    const argName = CHANNEL_ARG[method];
    const channel = argName ? String(args[argName] ?? "") : "";
    if (channel && limits.missing.has(channel)) return { status: 200, error: "channel_not_found" };
    if (channel && limits.notIn.has(channel)) return { status: 200, error: "not_in_channel" };
    if (TEXT_METHODS.has(method) && typeof args.text === "string" && [...args.text].length > limits.maxText)
      return { status: 200, error: "msg_too_long" };
    const errors = TEXT_METHODS.has(method) ? sectionErrors(args.blocks, limits.maxSectionText) : [];
    if (errors.length) return { status: 200, error: "invalid_blocks", errors };
    return undefined;
  };
}
