import { resolve } from "node:path";
import { makeTestModel } from "../engine/model/tiny/index.js";
import { CodedError, ErrorCode } from "../errors.js";

const HELP = `usage: llava-bot make-test-model <dir>

Writes a tiny LLaVA-architecture model (ONNX, runs offline on transformers.js) that answers the
dominant colour of an image: red, green, blue, white or black. Tests use it in place of real weights.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const [dir, ...extra] = argv;
  if (!dir || extra.length > 0)
    throw new CodedError(ErrorCode.BadRequest, "make-test-model takes one argument: the folder to write.");
  const target = resolve(dir);
  const files = makeTestModel(target);
  process.stdout.write(`wrote ${files.length} files to ${target}\n`);
  return 0;
}
