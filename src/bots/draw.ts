import type { DeliveryJob } from "../core/jobs.js";
import type { OutFile, Outgoing, Place, Surface } from "../core/surface.js";
import type { BlobStore } from "../queue/blobs.js";
import type { Conversations } from "../queue/conversations.js";
import type { LiveSurface } from "./live-reply.js";
import { LiveReply } from "./live-reply.js";

/** What rides on a message beside its words. */
export type Attach = Pick<Outgoing, "files" | "card">;

/**
 * A surface as a live reply draws on it: files and a card ride on the message they attach to, a
 * Stop button on the message being written, and only the reply's first message answers the
 * message it replies to (`posted`: how many the reply already has).
 */
export function drawOn(
  surface: Surface,
  place: Place,
  requestId: string,
  posted: number,
): LiveSurface<Attach> {
  const { replyTo: _first, ...later } = place;
  const out = (text: string, live: boolean, attach?: Attach): Outgoing => ({
    text,
    ...(live ? { stop: requestId } : {}),
    ...(attach?.files?.length ? { files: attach.files } : {}),
    ...(attach?.card ? { card: attach.card } : {}),
  });
  return {
    edit: async (id, text, x) =>
      void (await surface.edit(place, id, out(text, x.live, x.attach), { partial: x.live })),
    append: (text, x) => surface.post(posted++ ? later : place, out(text, x.live, x.attach)),
    remove: (id) => surface.remove(place, id).catch(() => undefined),
  };
}

/** A delivery's result images, read from the blob store, with their alt text. */
export function resultFiles(blobs: BlobStore, d: DeliveryJob): Promise<OutFile[]> {
  return Promise.all(
    d.images.map(async (img) => ({
      name: img.filename,
      data: await blobs.get(img.key),
      description: img.altText.slice(0, 1000),
    })),
  );
}

/**
 * An answer posted as new messages at `place` (no reply was drawn for it, or it is gone), its
 * messages recorded under `<requestId>:answer` as they are posted: a retry by any replica
 * continues where the last attempt stopped, never posting a part twice.
 */
export async function newMessages(
  o: { surface: Surface; conversations: Conversations },
  d: Pick<DeliveryJob, "requestId" | "user">,
  place: Place,
): Promise<LiveReply<Attach>> {
  const key = `${d.requestId}:answer`;
  await o.conversations.open({ requestId: key, asker: d.user.id, place, messages: [] });
  const resumed = await o.conversations.get(key);
  const messages = resumed?.messages ?? [];
  return new LiveReply<Attach>(
    drawOn(o.surface, resumed?.place ?? place, d.requestId, messages.length),
    messages,
    {
      limit: o.surface.limit,
      minIntervalMs: 0,
      opened: (n, id) => o.conversations.posted(key, n, id),
    },
  );
}

/** Where a delivery goes when no conversation was opened for it: its request's routing. */
export function placeOf(d: DeliveryJob): Place {
  const r = d.reply;
  return {
    channel: r.channel ?? d.scope.channelId,
    ...(r.thread ? { thread: r.thread } : {}),
    ...(r.replyTo ? { replyTo: r.replyTo } : {}),
  };
}
