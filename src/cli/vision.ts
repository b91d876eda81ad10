import { writeFile } from "node:fs/promises";
import type { LoadedConfig } from "../config/load.js";
import type { ModelPort } from "../core/model-port.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { SkillContext, SkillResult } from "../skills/skill.js";
import { closeVision } from "../skills/vision/load.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";

/** What `detect` and `segment` share on the command line: one photo, words, -o for the drawing. */

const VISION_OPTIONS = { ...COMMON_OPTIONS, out: { type: "string", short: "o" } } as const;

/** The vision tools never call the chat model: a port that says so if anything tries. */
const NO_MODEL: ModelPort = {
  id: "none",
  load: async () => {},
  generate: async () => {
    throw new CodedError(ErrorCode.Internal, "the vision tools do not use the chat model");
  },
  dispose: async () => {},
};

export async function runVisionCommand(
  argv: string[],
  o: {
    name: string;
    help: string;
    run: (ctx: SkillContext, words: string) => Promise<SkillResult>;
    /** Which of the result's images -o writes (the drawing, or the first mask). */
    pick: (result: SkillResult) => Buffer | undefined;
  },
): Promise<number> {
  const { values, positionals } = parse(argv, VISION_OPTIONS);
  if (values.help) return usage(o.help);
  const [path, words, ...extra] = positionals;
  if (!path || !words?.trim() || extra.length)
    throw new CodedError(
      ErrorCode.BadRequest,
      `${o.name} takes one image path and what to look for in quotes: llava-bot ${o.name} photo.jpg "red square"`,
    );
  const loaded: LoadedConfig = configFromFlags(values);
  const image = await readImage(path, loaded.config);
  try {
    const result = await o.run(
      {
        images: [image],
        text: words,
        model: NO_MODEL,
        config: loaded.config,
        signal: new AbortController().signal,
      },
      words,
    );
    const file = o.pick(result);
    if (values.out && file) await writeFile(values.out, file);
    const saved = values.out
      ? file
        ? ` → ${values.out}`
        : ` (nothing found, ${values.out} not written)`
      : "";
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ ...(result.data as object), said: result.text, ...(values.out && file ? { file: values.out } : {}) })}\n`
        : `${result.text}${saved}\n`,
    );
    return 0;
  } finally {
    await closeVision();
  }
}
