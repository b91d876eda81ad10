import { writeFile } from "node:fs/promises";
import { createModel } from "../engine/model/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import { generate, NOT_CONFIGURED } from "../skills/generate/index.js";
import { COMMON_OPTIONS, configFromFlags, parse, readImage, usage } from "./args.js";

const HELP = `usage: llava-bot generate "<prompt>" -o out.png [--image photo.jpg] [--strength 0.6] [--seed N]

Makes an image with the configured image generator (imagegen.backend: comfyui, a1111 or openai,
and imagegen.url). With --image, changes that photo as the prompt says (image-to-image).`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  out: { type: "string", short: "o" },
  image: { type: "string" },
  strength: { type: "string" },
  seed: { type: "string" },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help) return usage(HELP);
  const [prompt, ...extra] = positionals;
  if (!prompt?.trim() || extra.length)
    throw new CodedError(
      ErrorCode.BadRequest,
      'generate takes one prompt in quotes: llava-bot generate "a red fox in snow" -o fox.png',
    );
  if (!values.out) throw new CodedError(ErrorCode.BadRequest, "generate needs an output file: -o out.png");
  const loaded = configFromFlags(values);
  if (!generate.available(loaded.config)) throw new CodedError(ErrorCode.BackendMissing, NOT_CONFIGURED);
  const params = generate.params.safeParse({
    prompt,
    ...(values.strength ? { strength: values.strength } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
  });
  if (!params.success)
    throw new CodedError(
      ErrorCode.BadRequest,
      params.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  const images = values.image ? [await readImage(values.image, loaded.config)] : [];
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  const result = await generate.run(
    {
      images,
      text: prompt,
      model: await createModel(loaded.config, loaded.secrets),
      config: loaded.config,
      signal: controller.signal,
    },
    params.data,
  );
  const image = result.images[0];
  if (!image) throw new CodedError(ErrorCode.ImageBackendDown, "The image generator returned no image.");
  await writeFile(values.out, image.bytes);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ file: values.out, width: image.width, height: image.height })}\n`
      : `${result.text} → ${values.out}\n`,
  );
  return 0;
}
