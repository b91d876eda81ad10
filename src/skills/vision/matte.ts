import type { Config } from "../../config/schema.js";
import type { ModelImage } from "../../core/model-port.js";
import { toRawImage } from "../../images/raw-image.js";
import { visionModel } from "./load.js";

/** The main subject's alpha (0 background … 255 subject), one byte per pixel of the image. */
export async function subjectAlpha(config: Config, image: ModelImage): Promise<Uint8Array> {
  const remover = await visionModel("cutout", config);
  const cut = await remover(await toRawImage(image));
  const alpha = new Uint8Array(cut.width * cut.height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = cut.data[i * cut.channels + cut.channels - 1] ?? 0;
  return alpha;
}

/** The edits' way to ask where the subject is (see edit/subject.ts). */
export function subjectFinder(config: Config) {
  return (image: { bytes: Buffer; width: number; height: number }) =>
    subjectAlpha(config, { ...image, mime: "image/png" });
}
