import type { WebClient } from "@slack/web-api";
import type { BlobStore } from "../../queue/blobs.js";
import type { DeliveryJob } from "../../queue/jobs.js";
import { LiveReply } from "../live-reply.js";
import { deliveryText } from "../render.js";
import { toMrkdwn } from "./format.js";
import { SLACK_CHUNK, slackSurface } from "./live.js";

/**
 * Posts a finished request into its thread: the placeholder (if any, and the continuations the
 * stream already opened) becomes the answer, longer answers continue in the thread, and result
 * images go up through the v2 upload flow with alt text.
 */
export async function postToSlack(
  client: WebClient,
  blobs: BlobStore,
  d: DeliveryJob,
  live?: LiveReply,
): Promise<{ postedAt: number; messageIds: string[] }> {
  const channel = d.reply.channel ?? d.scope.channelId;
  const thread = d.reply.thread_ts ?? d.reply.placeholder;
  const reply =
    live ??
    new LiveReply(
      slackSurface(client, { channel, requestId: d.requestId, ...(thread ? { thread } : {}) }),
      d.reply.placeholder,
      { limit: SLACK_CHUNK, minIntervalMs: 0 },
    );
  const ids = await reply.finish(toMrkdwn(deliveryText(d)));
  const into = thread ?? ids[0];
  for (const image of d.images) {
    const bytes = await blobs.get(image.key);
    const file = {
      file: bytes,
      filename: image.filename,
      title: image.filename,
      alt_text: image.altText.slice(0, 1000),
    };
    await client.filesUploadV2(
      into ? { channel_id: channel, thread_ts: into, ...file } : { channel_id: channel, ...file },
    );
  }
  return { postedAt: Date.now(), messageIds: ids };
}
