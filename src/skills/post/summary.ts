import type { PostBundle } from "../../core/jobs.js";
import type { PlatformName } from "../../core/post-state.js";
import { PRESETS } from "./presets.js";

/** "3 captions", "2 captions of 3 asked for" when the model wrote fewer, "3 overlay texts" for a story. */
export function captionCount(
  b: Pick<PostBundle, "variants" | "requested" | "shortfall"> & { platform?: string },
): string {
  const n = b.variants.length;
  const noun = PRESETS[b.platform as PlatformName]?.text === "overlay" ? "overlay text" : "caption";
  return `${n} ${noun}${n === 1 ? "" : "s"}${b.shortfall && b.requested ? ` of ${b.requested} asked for` : ""}`;
}

/** A post as plain text: the platform, the numbered captions, any shortfall, the alt text (when the network takes one). */
export function postText(b: PostBundle): string {
  const label = PRESETS[b.platform as PlatformName]?.label ?? b.platform;
  return [
    `${label} post, ${captionCount(b)} (limit ${b.limit}):`,
    ...b.variants.map((v, i) => `${i + 1}. ${v.text}`),
    ...(b.shortfall ? [`(${b.shortfall})`] : []),
    ...(b.altText ? [`Alt text: ${b.altText}`] : []),
  ].join("\n\n");
}
