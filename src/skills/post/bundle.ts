import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PostBundle } from "../../core/jobs.js";
import type { SkillImage } from "../skill.js";

/** post.json plus the prepared image, in one folder, ready to publish by hand or by script. */
export async function writePostBundle(
  dir: string,
  bundle: PostBundle,
  image: SkillImage | undefined,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  if (image) {
    await writeFile(join(dir, image.filename), image.bytes);
    written.push(image.filename);
  }
  const json = {
    platform: bundle.platform,
    limit: bundle.limit,
    variants: bundle.variants.map((v) => ({ text: v.text, hashtags: v.hashtags, chars: v.chars })),
    requested: bundle.requested ?? bundle.variants.length,
    ...(bundle.shortfall ? { shortfall: bundle.shortfall } : {}),
    altText: bundle.altText,
    image: image
      ? { file: image.filename, width: image.width, height: image.height, bytes: image.bytes.length }
      : null,
  };
  await writeFile(join(dir, "post.json"), `${JSON.stringify(json, null, 2)}\n`);
  written.push("post.json");
  return written;
}
