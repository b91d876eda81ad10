import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import sharp from "sharp";
import { CodedError, ErrorCode } from "../errors.js";
import { applyEdits, LOOK_NAMES, opsFromParams } from "../skills/edit/index.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";

const HELP = `usage: llava-bot edit <image> [edits] -o <file>

  --look NAME        colour-grade look: ${LOOK_NAMES.join(", ")}
  --aspect W:H       smart crop to an aspect ratio (4:5, 1:1, 9:16, 16:9, 1.91:1)
  --width N          resize to N pixels wide
  --enhance          normalise contrast, a little saturation and sharpening
  --blur SIGMA       gaussian blur
  --caption TEXT     caption band at the bottom
  --watermark TEXT   watermark at the bottom right
  -o, --out FILE     output file (.jpg, .png or .webp)
  Or write the edits as text: llava-bot edit photo.jpg "look autumn + crop 4:5" -o out.jpg
Metadata (EXIF, GPS) is always removed.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  look: { type: "string" },
  aspect: { type: "string" },
  width: { type: "string" },
  enhance: { type: "boolean" },
  blur: { type: "string" },
  caption: { type: "string" },
  watermark: { type: "string" },
  out: { type: "string", short: "o" },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help) return usage(HELP);
  const [path, edits, ...extra] = positionals;
  if (!path || extra.length)
    throw new CodedError(ErrorCode.BadRequest, "edit takes one image path. Run llava-bot edit --help.");
  if (!values.out) throw new CodedError(ErrorCode.BadRequest, "edit needs an output file: -o out.jpg");
  if (values.look && !(LOOK_NAMES as string[]).includes(values.look))
    throw new CodedError(
      ErrorCode.BadRequest,
      `Unknown look "${values.look}". Looks: ${LOOK_NAMES.join(", ")}.`,
    );
  const num = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw new CodedError(ErrorCode.BadRequest, `--${name} needs a positive number, not "${v}".`);
    return n;
  };
  const width = num(values.width, "width");
  const blur = num(values.blur, "blur");
  const ops = opsFromParams({
    ...(edits ? { edits } : {}),
    ...(values.look ? { look: values.look } : {}),
    ...(values.aspect ? { aspect: values.aspect } : {}),
    ...(width ? { width: Math.round(width) } : {}),
    ...(values.enhance ? { enhance: true } : {}),
    ...(blur ? { blur } : {}),
    ...(values.caption ? { caption: values.caption } : {}),
    ...(values.watermark ? { watermark: values.watermark } : {}),
  });
  if (ops.length === 0)
    throw new CodedError(ErrorCode.BadRequest, "No edit given. Run llava-bot edit --help for the options.");
  const { config } = configFromFlags(values);
  const image = await readImage(path, { ...config, model: { ...config.model, maxImageEdge: 8192 } });
  const out = await applyEdits(image.bytes, ops);
  const ext = extname(values.out).toLowerCase();
  const bytes =
    ext === ".png"
      ? await sharp(out.bytes).png().toBuffer()
      : ext === ".webp"
        ? await sharp(out.bytes).webp().toBuffer()
        : out.bytes;
  await writeFile(values.out, bytes);
  const summary = `${out.applied.join(" + ")} → ${values.out} (${out.width}×${out.height})`;
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ file: values.out, width: out.width, height: out.height, applied: out.applied })}\n`
      : `${summary}\n`,
  );
  return 0;
}
