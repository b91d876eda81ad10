import { resolve } from "node:path";
import { CodedError, ErrorCode } from "../errors.js";
import { parse } from "./args.js";

/**
 * The generator is test tooling and lives outside the product (tools/tiny-model). This dynamic
 * import is the only way src/ reaches it (scripts/check-layers.ts allows nothing else), so the
 * engine and every other command neither load nor depend on it.
 */
const loadGenerator = () => import("../../tools/tiny-model/index.js");

function help(families: readonly string[]): string {
  return `usage: llava-bot make-test-model <dir> [--family ${families.join("|")}]

Writes a tiny model (ONNX, runs offline on transformers.js) whose files have the shape of the
family's public checkpoints, so the real loading path runs. The chat families answer the dominant
colour of an image (red, green, blue, white or black):
  llava           LLaVA-1.5: CLIP image processor, LlavaProcessor, Vicuna prompt (default)
  onevision       LLaVA-OneVision: SigLIP, LlavaOnevisionProcessor, Qwen2 tokenizer, ChatML
  llava-qwen2     nanoLLaVA: SigLIP, Qwen2 tokenizer, no processor class of its own
The vision tools find flat-coloured shapes:
  grounding-dino  detect: boxes the shapes whose colour the text names ("red square.")
  sam             segment: masks the colour under a point or inside a box
  modnet          cutout: keeps what differs from the flat background colour
Tests use them in place of real weights.`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    family: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const { ALL_FAMILIES, isAnyFamily, makeTestModel } = await loadGenerator();
  if (values.help) {
    process.stdout.write(`${help(ALL_FAMILIES)}\n`);
    return 0;
  }
  const [dir, ...extra] = positionals;
  if (!dir || extra.length > 0)
    throw new CodedError(ErrorCode.BadRequest, "make-test-model takes one argument: the folder to write.");
  const family = values.family ?? "llava";
  if (!isAnyFamily(family))
    throw new CodedError(
      ErrorCode.BadRequest,
      `Unknown --family "${family}"; choose one of ${ALL_FAMILIES.join(", ")}.`,
    );
  const target = resolve(dir);
  const files = makeTestModel(target, family);
  process.stdout.write(`wrote ${files.length} files (${family}) to ${target}\n`);
  return 0;
}
