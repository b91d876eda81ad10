import { detect } from "../skills/vision/detect.js";
import type { Detection } from "../skills/vision/find.js";
import { runVisionCommand } from "./vision.js";

const HELP = `usage: llava-bot detect <image> "<what>" [--json] [-o drawn.jpg]

Finds objects from words (open-vocabulary detection, tools.detect.model: Grounding DINO by
default), e.g. llava-bot detect photo.jpg "dog . red mug". Prints one line per box: label, score
and [x0, y0, x1, y1] in pixels; --json prints them as JSON; -o writes the photo with the boxes.`;

export function run(argv: string[]): Promise<number> {
  return runVisionCommand(argv, {
    name: "detect",
    help: HELP,
    run: async (ctx, words) => {
      const result = await detect.run(ctx, detect.params.parse({ caption: words }));
      const found = (result.data as { detections: Detection[] }).detections;
      const lines = found.map((d) => `${d.label}\t${d.score.toFixed(2)}\t[${d.box.join(", ")}]`);
      return { ...result, text: [result.text, ...lines].join("\n") };
    },
    pick: (result) => result.images?.[0]?.bytes,
  });
}
