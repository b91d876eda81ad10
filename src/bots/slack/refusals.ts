import { LogLevel, webApi } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { logger } from "../../log.js";

type ErrorData = { error?: unknown; needed?: unknown };

/** The Web API's answer to a refused call, read through the flow's SurfaceError if it wraps one. */
function errorData(err: unknown): ErrorData | undefined {
  const e = err as { data?: ErrorData; cause?: { data?: ErrorData } } | undefined;
  return e?.data ?? e?.cause?.data;
}

/** The Web API error code of a refused call (`not_in_channel`, `ratelimited`…), if it was one. */
export function slackError(err: unknown): string | undefined {
  const error = errorData(err)?.error;
  return typeof error === "string" ? error : undefined;
}

/**
 * What to tell a person when Slack refuses the bot a channel, by error code: the bot was never
 * added (public channel), cannot see it (private channel, or deleted), it is archived, or the
 * app was installed without a scope the call needs. The
 * invitation names the bot as the workspace knows it; a direct message has nobody to invite.
 */
function channelRefusals(botName: string, dm: boolean, needed: string): Record<string, string> {
  // Slack names the scope the call needed (`needed`); only reinstalling the app adds it.
  const scope = `I'm missing the Slack permission ${needed ? `\`${needed}\`` : "this needs"}, so I can't answer here. Ask whoever installed me to add it and reinstall the app.`;
  if (dm)
    return {
      not_in_channel: "I can't post in this conversation, so I can't answer here.",
      channel_not_found: "I can't see this conversation, so I can't answer here.",
      missing_scope: scope,
    };
  const invite = `\`/invite @${botName}\``;
  return {
    missing_scope: scope,
    not_in_channel: `I'm not a member of this channel. Add me with ${invite}, then try again.`,
    channel_not_found: `I can't see this channel (private channels need me invited: ${invite}), so I can't answer here.`,
    is_archived: "This channel is archived, so I can't answer here.",
  };
}

/**
 * The clear sentence for a channel Slack will not let the bot use, or undefined for other errors.
 * Direct messages' ids start with D, group DMs' with G as private channels' once did.
 */
export function channelRefusal(err: unknown, channel: string, botName = "llava-bot"): string | undefined {
  const code = slackError(err);
  const needed = errorData(err)?.needed;
  const scope = typeof needed === "string" ? needed.slice(0, 100) : "";
  const text = code ? channelRefusals(botName, channel.startsWith("D"), scope)[code] : undefined;
  if (text)
    logger().warn(
      { channel, error: code, ...(scope ? { needed: scope } : {}) },
      "slack refused the bot this channel",
    );
  return text;
}

/**
 * A second Web API client for partial edits only: a `ratelimited` answer rejects at once instead
 * of being retried after Retry-After, so a dropped partial never waits in line (or pauses the
 * main client's queue) ahead of the final answer, which goes through the retrying client.
 */
export function partialEditsClient(token: string, options: { slackApiUrl?: string }): WebClient {
  return new webApi.WebClient(token, {
    ...options,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
}
