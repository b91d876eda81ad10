import { resolve } from "node:path";
import { CodedError, ErrorCode } from "../errors.js";
import { postBundleSchema } from "../queue/jobs.js";
import { LOOK_NAMES } from "../skills/edit/index.js";
import { writePostBundle } from "../skills/post/bundle.js";
import { PLATFORM_NAMES, TONES } from "../skills/post/index.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";
import { runOnce } from "./run-engine.js";

const HELP = `usage: llava-bot post <image> --platform NAME [--tone T] [--variants N] [--look L] [--lang CODE] [--watermark TEXT] [--model ID|PATH] -o <dir>

Writes <dir>/post.json (caption variants with hashtags and lengths, alt text) and the prepared image.
  platforms: ${PLATFORM_NAMES.join(", ")}
  tones:     ${TONES.join(", ")}
  looks:     ${LOOK_NAMES.join(", ")}`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  platform: { type: "string" },
  tone: { type: "string" },
  variants: { type: "string" },
  look: { type: "string" },
  lang: { type: "string" },
  watermark: { type: "string" },
  out: { type: "string", short: "o" },
} as const;

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): void {
  if (value !== undefined && !allowed.includes(value))
    throw new CodedError(
      ErrorCode.BadRequest,
      `Unknown ${flag} "${value}". Choose one of: ${allowed.join(", ")}.`,
    );
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help) return usage(HELP);
  const [path, ...extra] = positionals;
  if (!path || extra.length)
    throw new CodedError(ErrorCode.BadRequest, "post takes one image path. Run llava-bot post --help.");
  if (!values.out) throw new CodedError(ErrorCode.BadRequest, "post needs an output folder: -o <dir>");
  oneOf(values.platform, PLATFORM_NAMES, "platform");
  oneOf(values.tone, TONES, "tone");
  oneOf(values.look, LOOK_NAMES, "look");
  const variants = values.variants === undefined ? undefined : Number(values.variants);
  if (variants !== undefined && !(Number.isInteger(variants) && variants >= 1 && variants <= 5))
    throw new CodedError(ErrorCode.BadRequest, "--variants must be a whole number from 1 to 5.");
  const loaded = configFromFlags(values);
  // The post keeps full resolution: the model gets its own shrunk copy inside the skill.
  const image = await readImage(path, {
    ...loaded.config,
    model: { ...loaded.config.model, maxImageEdge: 4096 },
  });
  const args: Record<string, string | number> = {
    platform: values.platform ?? "instagram",
    ...(values.tone ? { tone: values.tone } : {}),
    ...(variants ? { variants } : {}),
    ...(values.look ? { look: values.look } : {}),
    ...(values.lang ? { lang: values.lang } : {}),
    ...(values.watermark ? { watermark: values.watermark } : {}),
  };
  const { output } = await runOnce(
    loaded,
    { command: "post", args, text: "", images: [image], history: [] },
    { quiet: Boolean(values.json) },
  );
  const bundle = postBundleSchema.parse(output.post);
  const dir = resolve(values.out);
  const files = await writePostBundle(dir, bundle, output.images[0]);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ dir, files })}\n`
      : `${output.text}\n\nwrote ${files.join(", ")} to ${dir}\n`,
  );
  return 0;
}
