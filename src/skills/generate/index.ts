import { randomInt } from "node:crypto";
import { z } from "zod";
import type { Config } from "../../config/schema.js";
import { loadSecrets } from "../../config/secrets.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Skill } from "../skill.js";
import { a1111Backend } from "./a1111.js";
import { checkImage, type ImageBackend } from "./backend.js";
import { comfyuiBackend } from "./comfyui.js";
import { openaiImagesBackend } from "./openai-images.js";

export const NOT_CONFIGURED =
  "Image generation is not set up on this bot. An operator can configure imagegen.backend (comfyui, a1111 or openai) and imagegen.url.";

/** The configured image-generation backend, or undefined when there is none. */
function imageBackend(config: Config, apiKey = loadSecrets().imagegenApiKey): ImageBackend | undefined {
  const g = config.imagegen;
  if (g.backend === "none" || !g.url) return undefined;
  const options = {
    url: g.url,
    timeoutMs: g.timeoutMs,
    // An image as large as an upload may be, in base64 inside JSON, and room for the JSON.
    maxBytes: Math.ceil((config.limits.maxImageBytes * 4) / 3) + 1024 * 1024,
    ...(apiKey ? { apiKey } : {}),
    ...(g.model ? { model: g.model } : {}),
    ...(g.workflow ? { workflow: g.workflow } : {}),
  };
  if (g.backend === "comfyui") return comfyuiBackend(options);
  if (g.backend === "a1111") return a1111Backend(options);
  return openaiImagesBackend(options);
}

const params = z.object({
  prompt: z.string().trim().min(1, "describe the image to make").max(1000),
  /** For instruction edits: how far to move from the original (0 keeps it, 1 ignores it). */
  strength: z.coerce.number().min(0.05).max(1).default(0.6),
  seed: z.coerce.number().int().min(0).optional(),
});

/**
 * Text-to-image, or an instruction-based edit of the attached photo (image-to-image), through
 * the configured backend. Unlike the `edit` looks, this is a generative change, and says so.
 */
export const generate = {
  name: "generate",
  usesModel: false,
  description:
    "Generate a new image from a text prompt, or change the attached photo as instructed (generative).",
  params,
  available: (config: Config) => config.imagegen.backend !== "none" && Boolean(config.imagegen.url),
  async run(ctx, p) {
    const backend = imageBackend(ctx.config);
    if (!backend) throw new CodedError(ErrorCode.BackendMissing, NOT_CONFIGURED);
    const seed = p.seed ?? randomInt(0, 2 ** 31);
    const source = ctx.images[0];
    ctx.progress?.(source ? "editing with the image generator" : "generating");
    const raw = source
      ? await backend.img2img({
          prompt: p.prompt,
          image: source.bytes,
          strength: p.strength,
          seed,
          signal: ctx.signal,
        })
      : await backend.txt2img({
          prompt: p.prompt,
          width: ctx.config.imagegen.width,
          height: ctx.config.imagegen.height,
          seed,
          signal: ctx.signal,
        });
    const image = await checkImage(raw, backend.name);
    const what = source ? "Generated edit" : "Generated image";
    return {
      text: `${what} (${backend.name}, seed ${seed}): “${p.prompt}”`,
      images: [
        {
          ...image,
          mime: "image/png",
          filename: "generated.png",
          altText: `AI-generated image: ${p.prompt}`.slice(0, 1000),
        },
      ],
      summary: `${what.toLowerCase()} ${image.width}x${image.height} for "${p.prompt.slice(0, 200)}"`,
    };
  },
} satisfies Skill<typeof params>;
