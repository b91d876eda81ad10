import type { WebClient } from "@slack/web-api";
import type { BlobStore } from "../../queue/blobs.js";
import type { DeliveryJob } from "../../queue/jobs.js";
import { deliveryText } from "../render.js";
import { splitMessage } from "../text.js";
import { toMrkdwn } from "./format.js";

/** Slack allows 40,000 characters in `text`, but long messages are truncated in clients; stay well below. */
export const SLACK_CHUNK = 3500;

/**
 * Posts a finished request into its thread: the placeholder (if any) becomes the answer, longer
 * answers continue in the thread, and result images go up through the v2 upload flow with alt text.
 */
export async function postToSlack(
  client: WebClient,
  blobs: BlobStore,
  d: DeliveryJob,
): Promise<{ postedAt: number; messageIds: string[] }> {
  const channel = d.reply.channel ?? d.scope.channelId;
  const chunks = splitMessage(toMrkdwn(deliveryText(d)), SLACK_CHUNK);
  const ids: string[] = [];
  const common = { unfurl_links: false, unfurl_media: false, link_names: false } as const;
  let thread = d.reply.thread_ts;
  const [first = "", ...more] = chunks;
  if (d.reply.placeholder) {
    await client.chat.update({
      channel,
      ts: d.reply.placeholder,
      text: first,
      blocks: [],
      link_names: false,
    }); // blocks: [] drops the Stop button
    ids.push(d.reply.placeholder);
    thread ??= d.reply.placeholder;
  } else {
    const res = await client.chat.postMessage({
      channel,
      text: first,
      ...(thread ? { thread_ts: thread } : {}),
      ...common,
    });
    if (res.ts) ids.push(res.ts);
    thread ??= res.ts;
  }
  for (const text of more) {
    const res = await client.chat.postMessage({
      channel,
      text,
      ...(thread ? { thread_ts: thread } : {}),
      ...common,
    });
    if (res.ts) ids.push(res.ts);
  }
  for (const image of d.images) {
    const bytes = await blobs.get(image.key);
    const file = {
      file: bytes,
      filename: image.filename,
      title: image.filename,
      alt_text: image.altText.slice(0, 1000),
    };
    await client.filesUploadV2(
      thread ? { channel_id: channel, thread_ts: thread, ...file } : { channel_id: channel, ...file },
    );
  }
  return { postedAt: Date.now(), messageIds: ids };
}
