import type { WebClient } from "@slack/web-api";
import type { LiveSurface } from "../live-reply.js";

/** A section block holds at most 3,000 characters: live messages, and so every chunk, stay within it. */
export const SLACK_CHUNK = 3000;

/** Nothing the bot posts pings anyone or unfolds previews of links the model wrote. */
export const COMMON = { unfurl_links: false, unfurl_media: false, link_names: false } as const;

/** The text with a Stop button under it; the button's value is only the request id. */
export function stopBlocks(text: string, requestId: string) {
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "actions",
      elements: [
        { type: "button", action_id: "stop", value: requestId, text: { type: "plain_text", text: "Stop" } },
      ],
    },
  ];
}

/**
 * A Slack answer drawn in place: edits are chat.update (blocks: [] drops the Stop button once a
 * message is final), continuations go into the thread of the first message. Partial edits may go
 * through `partial`, a client that gives up on `ratelimited` instead of retrying.
 */
export function slackSurface(
  client: WebClient,
  r: { channel: string; thread?: string; requestId: string },
  partial: WebClient = client,
): LiveSurface<never> {
  let thread = r.thread;
  return {
    async edit(ts, text, o) {
      await (o.live ? partial : client).chat.update({
        channel: r.channel,
        ts,
        text,
        blocks: o.live ? stopBlocks(text, r.requestId) : [],
        link_names: false,
      });
      thread ??= ts;
    },
    async append(text, o) {
      const res = await client.chat.postMessage({
        channel: r.channel,
        text,
        ...(thread ? { thread_ts: thread } : {}),
        ...(o.live ? { blocks: stopBlocks(text, r.requestId) } : {}),
        ...COMMON,
      });
      const ts = res.ts as string;
      thread ??= ts;
      return ts;
    },
    async remove(ts) {
      await client.chat.delete({ channel: r.channel, ts }).catch(() => undefined);
    },
  };
}
