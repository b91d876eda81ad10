import { resolve } from "node:path";
import { FAMILIES, makeTestModel, type TestFamily } from "../engine/model/tiny/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import { parse } from "./args.js";

const HELP = `usage: llava-bot make-test-model <dir> [--family ${FAMILIES.join("|")}]

Writes a tiny model (ONNX, runs offline on transformers.js) that answers the dominant colour of an
image: red, green, blue, white or black. Its files have the shape of the family's public
checkpoints, so the real loading path runs:
  llava        LLaVA-1.5: CLIP image processor, LlavaProcessor, Vicuna prompt (default)
  onevision    LLaVA-OneVision: SigLIP, LlavaOnevisionProcessor, Qwen2 tokenizer, ChatML
  llava-qwen2  nanoLLaVA: SigLIP, Qwen2 tokenizer, no processor class of its own
Tests use them in place of real weights.`;

function isFamily(value: string): value is TestFamily {
  return (FAMILIES as readonly string[]).includes(value);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    family: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const [dir, ...extra] = positionals;
  if (!dir || extra.length > 0)
    throw new CodedError(ErrorCode.BadRequest, "make-test-model takes one argument: the folder to write.");
  const family = values.family ?? "llava";
  if (!isFamily(family))
    throw new CodedError(
      ErrorCode.BadRequest,
      `Unknown --family "${family}"; choose one of ${FAMILIES.join(", ")}.`,
    );
  const target = resolve(dir);
  const files = makeTestModel(target, family);
  process.stdout.write(`wrote ${files.length} files (${family}) to ${target}\n`);
  return 0;
}
