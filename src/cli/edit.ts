import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import sharp from "sharp";
import type { LoadedConfig } from "../config/load.js";
import type { ModelPort } from "../core/model-port.js";
import { createModel } from "../engine/model/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import { EDIT_HELP, edit, LOOK_NAMES } from "../skills/edit/index.js";
import { closeVision } from "../skills/vision/load.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";
import { loadProgress } from "./progress.js";

const HELP = `usage: llava-bot edit <image> ["edits in plain words"] [options] -o <file>

  llava-bot edit photo.jpg "make it warmer and crop it square" -o out.jpg

${EDIT_HELP}

Words the reader does not know go to the configured model (loaded only then).
Options, applied after the words:
  --look NAME        colour-grade look: ${LOOK_NAMES.join(", ")}
  --aspect W:H       smart crop to an aspect ratio (4:5, 1:1, 9:16, 16:9, 1.91:1) or a name (square)
  --width N          resize to N pixels wide
  --enhance          normalise contrast, a little saturation and sharpening
  --blur SIGMA       gaussian blur
  --caption TEXT     caption band at the bottom
  --watermark TEXT   watermark at the bottom right
  --cutout           the subject on a transparent background (tools.cutout.model; write .png)
  -o, --out FILE     output file (.jpg, .png or .webp)`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  look: { type: "string" },
  aspect: { type: "string" },
  width: { type: "string" },
  enhance: { type: "boolean" },
  blur: { type: "string" },
  caption: { type: "string" },
  watermark: { type: "string" },
  cutout: { type: "boolean" },
  out: { type: "string", short: "o" },
} as const;

/** The configured model, created and loaded (with progress on stderr) only when the edit asks it. */
function modelOnDemand(loaded: LoadedConfig, quiet: boolean): ModelPort & { close(): Promise<void> } {
  let model: Promise<ModelPort> | undefined;
  const get = () => {
    model ??= createModel(loaded.config, loaded.secrets).then(async (m) => {
      await m.load(quiet ? undefined : loadProgress(`model ${m.id}`));
      return m;
    });
    return model;
  };
  return {
    id: loaded.config.model.id,
    load: async () => void (await get()),
    generate: async (request) => (await get()).generate(request),
    dispose: async () => {},
    close: async () => {
      await (await model?.catch(() => undefined))?.dispose();
    },
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help) return usage(HELP);
  const [path, edits, ...extra] = positionals;
  if (!path || extra.length)
    throw new CodedError(
      ErrorCode.BadRequest,
      'edit takes one image path and the edits in quotes: llava-bot edit photo.jpg "warmer and square" -o out.jpg',
    );
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
  const params = edit.params.parse({
    ...(edits ? { edits } : {}),
    ...(values.look ? { look: values.look } : {}),
    ...(values.aspect ? { aspect: values.aspect } : {}),
    ...(width ? { width: Math.round(width) } : {}),
    ...(values.enhance ? { enhance: true } : {}),
    ...(blur ? { blur } : {}),
    ...(values.caption ? { caption: values.caption } : {}),
    ...(values.watermark ? { watermark: values.watermark } : {}),
    ...(values.cutout ? { cutout: true } : {}),
  });
  const loaded = configFromFlags(values);
  const image = await readImage(path, {
    ...loaded.config,
    model: { ...loaded.config.model, maxImageEdge: 8192 },
  });
  const model = modelOnDemand(loaded, Boolean(values.json));
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  try {
    const result = await edit.run(
      { images: [image], text: edits ?? "", model, config: loaded.config, signal: controller.signal },
      params,
    );
    const out = result.images[0];
    if (!out) throw new CodedError(ErrorCode.Internal, "the edit produced no image");
    const ext = extname(values.out).toLowerCase();
    const bytes =
      ext === ".png"
        ? await sharp(out.bytes).png().toBuffer()
        : ext === ".webp"
          ? await sharp(out.bytes).webp().toBuffer()
          : out.mime === "image/png" && (ext === ".jpg" || ext === ".jpeg")
            ? // A transparent result asked for as JPEG: on white, since JPEG has no transparency.
              await sharp(out.bytes).flatten({ background: "#ffffff" }).jpeg({ quality: 90 }).toBuffer()
            : out.bytes;
    await writeFile(values.out, bytes);
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ file: values.out, width: out.width, height: out.height, ...(result.data as object), said: result.text })}\n`
        : `${result.text} → ${values.out} (${out.width}×${out.height})\n`,
    );
    return 0;
  } finally {
    process.off("SIGINT", stop);
    await model.close();
    await closeVision();
  }
}
