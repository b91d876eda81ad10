import { type BackendOptions, backendAddress, call, type ImageBackend } from "./backend.js";

/** Automatic1111 / Forge WebUI API (`--api`): /sdapi/v1/txt2img and /img2img with base64 images. */
export function a1111Backend(options: BackendOptions): ImageBackend {
  const { base, headers: login } = backendAddress(options.url);
  const headers: Record<string, string> = { "content-type": "application/json", ...login };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  async function post(path: string, body: unknown, signal: AbortSignal): Promise<Buffer> {
    const res = await call(
      `${base}${path}`,
      { method: "POST", headers, body: JSON.stringify(body) },
      { timeoutMs: options.timeoutMs, signal, service: "Automatic1111", maxBytes: options.maxBytes },
    );
    const json = await res.json<{ images?: string[] }>();
    const first = json.images?.[0];
    if (!first) throw new Error("Automatic1111 returned no image");
    return Buffer.from(first.replace(/^data:image\/\w+;base64,/, ""), "base64");
  }
  return {
    name: "a1111",
    txt2img: (r) =>
      post(
        "/sdapi/v1/txt2img",
        {
          prompt: r.prompt,
          width: r.width,
          height: r.height,
          seed: r.seed,
          steps: 25,
          ...(options.model ? { override_settings: { sd_model_checkpoint: options.model } } : {}),
        },
        r.signal,
      ),
    img2img: (r) =>
      post(
        "/sdapi/v1/img2img",
        {
          prompt: r.prompt,
          init_images: [r.image.toString("base64")],
          denoising_strength: r.strength,
          seed: r.seed,
          steps: 25,
        },
        r.signal,
      ),
  };
}
