import { CodedError, ErrorCode } from "../errors.js";
import { recognise } from "../skills/ocr/index.js";
import { closeOcr } from "../skills/ocr/pool.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";

const HELP = `usage: llava-bot ocr <image> [--json]

Reads the text in an image with tesseract.js (English data bundled, works offline).
--json prints the text with line boxes.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMON_OPTIONS);
  if (values.help) return usage(HELP);
  const [path, ...extra] = positionals;
  if (!path || extra.length)
    throw new CodedError(ErrorCode.BadRequest, "ocr takes one image path. Run llava-bot ocr --help.");
  const { config } = configFromFlags(values);
  // OCR wants full resolution: small print is lost when shrunk to the model's input size.
  const image = await readImage(path, { ...config, model: { ...config.model, maxImageEdge: 8192 } });
  try {
    const result = await recognise(image.bytes, config.engine.ocrWorkers);
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${result.text}\n`);
  } finally {
    await closeOcr();
  }
  return 0;
}
