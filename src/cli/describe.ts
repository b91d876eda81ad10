import { CodedError, ErrorCode } from "../errors.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";
import { runOnce } from "./run-engine.js";

const HELP = `usage: llava-bot describe <image> [--model ID|PATH] [--json]

Describes a photo with the configured vision-language model. The answer goes to stdout;
model loading progress to stderr. --json prints one JSON object.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMON_OPTIONS);
  if (values.help) return usage(HELP);
  const [path, ...extra] = positionals;
  if (!path || extra.length)
    throw new CodedError(
      ErrorCode.BadRequest,
      "describe takes one image path. Run llava-bot describe --help.",
    );
  const loaded = configFromFlags(values);
  const image = await readImage(path, loaded.config);
  const { output, model, ms } = await runOnce(
    loaded,
    { command: "describe", args: {}, text: "", images: [image], history: [] },
    { quiet: Boolean(values.json) },
  );
  process.stdout.write(
    values.json ? `${JSON.stringify({ answer: output.text, model, ms })}\n` : `${output.text}\n`,
  );
  return 0;
}
