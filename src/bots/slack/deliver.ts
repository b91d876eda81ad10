import type { WebClient } from "@slack/web-api";
import type { DeliveryJob, ResultImage } from "../../core/jobs.js";
import type { BlobStore } from "../../queue/blobs.js";
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
  await uploadImages(client, blobs, channel, thread ?? ids[0], d.images);
  return { postedAt: Date.now(), messageIds: ids };
}

/** Result images go up through the v2 upload flow, with their alt text, into the thread. */
export async function uploadImages(
  client: WebClient,
  blobs: BlobStore,
  channel: string,
  thread: string | undefined,
  images: ResultImage[],
): Promise<void> {
  for (const image of images) {
    const file = {
      file: await blobs.get(image.key),
      filename: image.filename,
      title: image.filename,
      alt_text: image.altText.slice(0, 1000),
    };
    await client.filesUploadV2(
      thread ? { channel_id: channel, thread_ts: thread, ...file } : { channel_id: channel, ...file },
    );
  }
}
