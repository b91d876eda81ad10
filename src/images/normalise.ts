import type { Sharp } from "sharp";

export interface Normalised {
  bytes: Buffer;
  mime: "image/jpeg" | "image/png";
  width: number;
  height: number;
}

/**
 * The last steps of every load, for the model and the platforms: oriented, shrunk to `edge` on
 * its long side, alpha flattened onto white, re-encoded as JPEG (photos) or PNG. Runs where the
 * pixels are: on the main thread for what sharp decodes, on the HEIC decoder's thread for HEIC.
 */
export async function normalise(
  input: Sharp,
  o: { edge: number; hasAlpha: boolean; photo: boolean },
): Promise<Normalised> {
  let pipeline = input
    .autoOrient()
    .resize(o.edge, o.edge, { fit: "inside", withoutEnlargement: true, fastShrinkOnLoad: true });
  if (o.hasAlpha) pipeline = pipeline.flatten({ background: "#ffffff" });
  pipeline = o.photo ? pipeline.jpeg({ quality: 90 }) : pipeline.png();
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { bytes: data, mime: o.photo ? "image/jpeg" : "image/png", width: info.width, height: info.height };
}
