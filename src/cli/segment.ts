import { segment } from "../skills/vision/segment.js";
import { runVisionCommand } from "./vision.js";

const HELP = `usage: llava-bot segment <image> "<what>" [--json] [-o mask.png]

Outlines objects from words: detection (tools.detect.model), then SAM (tools.segment.model) on
each box, as LLaVA-Plus's grounding_dino+sam. -o writes the first object's mask as a PNG (white
where it is); --json prints the objects' boxes.`;

export function run(argv: string[]): Promise<number> {
  return runVisionCommand(argv, {
    name: "segment",
    help: HELP,
    run: (ctx, words) => segment.run(ctx, segment.params.parse({ caption: words })),
    pick: (result) => result.images?.find((i) => i.filename.startsWith("mask-"))?.bytes,
  });
}
