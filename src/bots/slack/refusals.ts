import { LogLevel, webApi } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { logger } from "../../log.js";

/** The Web API error code of a refused call (`not_in_channel`, `ratelimited`…), if it was one. */
export function slackError(err: unknown): string | undefined {
  // Read through the flow's SurfaceError to the Web API error it wraps.
  const e = err as { data?: { error?: unknown }; cause?: { data?: { error?: unknown } } } | undefined;
  const data = e?.data ?? e?.cause?.data;
  return typeof data?.error === "string" ? data.error : undefined;
}

/**
 * What to tell a person when Slack refuses the bot a channel, by error code: the bot was never
 * added (public channel), cannot see it (private channel, or deleted), or it is archived. The
 * invitation names the bot as the workspace knows it; a direct message has nobody to invite.
 */
function channelRefusals(botName: string, dm: boolean): Record<string, string> {
  if (dm)
    return {
      not_in_channel: "I can't post in this conversation, so I can't answer here.",
      channel_not_found: "I can't see this conversation, so I can't answer here.",
    };
  const invite = `\`/invite @${botName}\``;
  return {
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
  const text = code ? channelRefusals(botName, channel.startsWith("D"))[code] : undefined;
  if (text) logger().warn({ channel, error: code }, "slack refused the bot this channel");
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
