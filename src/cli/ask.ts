import { CodedError, ErrorCode } from "../errors.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";
import { runOnce } from "./run-engine.js";

const HELP = `usage: llava-bot ask <image> "<question>" [--model ID|PATH] [--json]

Answers a question about a photo. The answer goes to stdout; --json prints one JSON object.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMON_OPTIONS);
  if (values.help) return usage(HELP);
  const [path, question, ...extra] = positionals;
  if (!path || !question?.trim() || extra.length)
    throw new CodedError(
      ErrorCode.BadRequest,
      'ask takes an image path and a question in quotes: llava-bot ask photo.jpg "What is this?"',
    );
  const loaded = configFromFlags(values);
  const image = await readImage(path, loaded.config);
  const { output, model, ms } = await runOnce(
    loaded,
    { command: "ask", args: {}, text: question, images: [image], history: [] },
    { quiet: Boolean(values.json) },
  );
  process.stdout.write(
    values.json ? `${JSON.stringify({ question, answer: output.text, model, ms })}\n` : `${output.text}\n`,
  );
  return 0;
}
