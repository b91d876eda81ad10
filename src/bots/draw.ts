import type { DeliveryJob } from "../core/jobs.js";
import type { OutFile, Outgoing, Place, Surface } from "../core/surface.js";
import type { BlobStore } from "../queue/blobs.js";
import type { LiveSurface } from "./live-reply.js";

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
