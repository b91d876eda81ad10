import sharp from "sharp";
import type { ModelImage } from "../core/model-port.js";

/**
 * The copy of a photo the model really uses. The worker keeps photos large (1536 px) for OCR and
 * post images, but a vision encoder sees 336–384 px (twice that where a server tiles), so each
 * photo is shrunk once to the model's size, kept by its blob key (or its bytes, for images that
 * have none), and that copy goes to every call: no call decodes or uploads the large one again.
 */

/** How a copy is fitted: "cover" keeps the short edge at `edge` (processors that resize and crop to a square); "inside" the long one. */
export interface CopySize {
  edge: number;
  fit: "cover" | "inside";
}

/** Photos kept per process: a conversation's images and a few requests' worth. */
const KEEP = 32;

export function modelCopies<T>(make: (image: ModelImage, size: CopySize) => Promise<T>) {
  const byKey = new Map<string, Promise<T>>();
  const byBytes = new WeakMap<Buffer, Map<string, Promise<T>>>();
  return (image: ModelImage, size: CopySize): Promise<T> => {
    const sizeKey = `${size.fit}:${size.edge}`;
    if (image.key) {
      const key = `${image.key}@${sizeKey}`;
      const hit = byKey.get(key);
      if (hit) {
        // Most recently used last, so the oldest goes first.
        byKey.delete(key);
        byKey.set(key, hit);
        return hit;
      }
      const made = make(image, size);
      made.catch(() => byKey.delete(key));
      byKey.set(key, made);
      for (const old of byKey.keys()) {
        if (byKey.size <= KEEP) break;
        byKey.delete(old);
      }
      return made;
    }
    let sizes = byBytes.get(image.bytes);
    if (!sizes) {
      sizes = new Map();
      byBytes.set(image.bytes, sizes);
    }
    const hit = sizes.get(sizeKey);
    if (hit) return hit;
    const made = make(image, size);
    sizes.set(sizeKey, made);
    return made;
  };
}

/** The photo at the model's size, as sharp sees it (never enlarged). */
export function resized(image: ModelImage, size: CopySize) {
  return sharp(image.bytes)
    .removeAlpha()
    .resize({
      width: size.edge,
      height: size.edge,
      fit: size.fit === "cover" ? "outside" : "inside",
      withoutEnlargement: true,
    });
}

/**
 * Bytes a copy for a server should stay under (base64 adds a third): a detailed or noisy photo is
 * encoded at a lower quality until it fits, so one look at a photo costs at most about 150 KB.
 */
const COPY_BYTES = 100_000;

/** A JPEG copy at the model's size, for servers that take the image itself; a photo already that small goes as it is. */
export async function jpegCopy(image: ModelImage, size: CopySize): Promise<ModelImage> {
  const short = Math.min(image.width, image.height);
  const long = Math.max(image.width, image.height);
  if ((size.fit === "cover" ? short : long) <= size.edge) return image;
  const pixels = await resized(image, size).raw().toBuffer({ resolveWithObject: true });
  let out = pixels;
  for (const quality of [85, 75, 65]) {
    out = await sharp(pixels.data, { raw: pixels.info })
      .jpeg({ quality, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    if (out.data.length <= COPY_BYTES) break;
  }
  return { bytes: out.data, mime: "image/jpeg", width: out.info.width, height: out.info.height };
}
