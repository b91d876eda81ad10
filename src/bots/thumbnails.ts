import sharp from "sharp";
import type { Card } from "../core/surface.js";
import { logger } from "../log.js";
import type { BlobStore } from "../queue/blobs.js";

/** A list's thumbnails: small, so a list of five stays a light upload. */
const THUMBNAIL_PX = 160;

export interface Thumbnail {
  /** The section it belongs to. */
  section: number;
  name: string;
  data: Buffer;
  description: string;
}

/**
 * The thumbnails a card's sections ask for, as small JPEGs (at most THUMBNAIL_PX on the long
 * side) made from the blob store. A photo already gone (its blob expired) has none: the list
 * still shows the post.
 */
export async function cardThumbnails(card: Card, blobs: BlobStore): Promise<Thumbnail[]> {
  const out: Thumbnail[] = [];
  for (const [section, s] of card.sections.entries()) {
    if (!s.thumbnail) continue;
    try {
      const data = await sharp(await blobs.get(s.thumbnail.key))
        .rotate()
        .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: "inside", withoutEnlargement: true })
        .jpeg({ quality: 75 })
        .toBuffer();
      out.push({ section, name: `thumb-${section + 1}.jpg`, data, description: s.thumbnail.description });
    } catch (err) {
      logger().debug({ err, key: s.thumbnail.key }, "no thumbnail for a scheduled post");
    }
  }
  return out;
}
