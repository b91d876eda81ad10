import {
  type BackendOptions,
  type BackendReply,
  backendAddress,
  call,
  type ImageBackend,
} from "./backend.js";

/** OpenAI-compatible images API: /images/generations and /images/edits, base64 JSON responses. */
export function openaiImagesBackend(options: BackendOptions): ImageBackend {
  const { base, headers: login } = backendAddress(options.url);
  const auth: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : login;
  const limits = { timeoutMs: options.timeoutMs, service: "images API", maxBytes: options.maxBytes };
  async function read(res: BackendReply): Promise<Buffer> {
    const json = await res.json<{ data?: { b64_json?: string }[] }>();
    const b64 = json.data?.[0]?.b64_json;
    if (!b64) throw new Error("the images API returned no image");
    return Buffer.from(b64, "base64");
  }
  return {
    name: "openai",
    async txt2img(r) {
      const body = JSON.stringify({
        prompt: r.prompt,
        size: `${r.width}x${r.height}`,
        n: 1,
        response_format: "b64_json",
        ...(options.model ? { model: options.model } : {}),
      });
      return read(
        await call(
          `${base}/images/generations`,
          { method: "POST", headers: { "content-type": "application/json", ...auth }, body },
          { ...limits, signal: r.signal },
        ),
      );
    },
    async img2img(r) {
      const form = new FormData();
      form.set("image", new Blob([new Uint8Array(r.image)], { type: "image/png" }), "image.png");
      form.set("prompt", r.prompt);
      form.set("response_format", "b64_json");
      if (options.model) form.set("model", options.model);
      return read(
        await call(
          `${base}/images/edits`,
          { method: "POST", headers: auth, body: form },
          { ...limits, signal: r.signal },
        ),
      );
    },
  };
}
