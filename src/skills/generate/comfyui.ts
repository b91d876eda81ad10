import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { CodedError, ErrorCode } from "../../errors.js";
import { type BackendOptions, backendAddress, call, type ImageBackend } from "./backend.js";

/**
 * ComfyUI's API: queue a workflow (API format) with POST /prompt, follow it on the /ws
 * WebSocket until the "executing" message with node null, then fetch the output with /view.
 * Workflows use {{prompt}}, {{seed}}, {{width}}, {{height}}, {{model}}, {{image}}, {{strength}} placeholders.
 */
type Workflow = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

const TXT2IMG: Workflow = {
  ckpt: { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "{{model}}" } },
  latent: {
    class_type: "EmptyLatentImage",
    inputs: { width: "{{width}}", height: "{{height}}", batch_size: 1 },
  },
  positive: { class_type: "CLIPTextEncode", inputs: { text: "{{prompt}}", clip: ["ckpt", 1] } },
  negative: {
    class_type: "CLIPTextEncode",
    inputs: { text: "blurry, low quality, watermark", clip: ["ckpt", 1] },
  },
  sampler: {
    class_type: "KSampler",
    inputs: {
      seed: "{{seed}}",
      steps: 25,
      cfg: 7,
      sampler_name: "euler",
      scheduler: "normal",
      denoise: 1,
      model: ["ckpt", 0],
      positive: ["positive", 0],
      negative: ["negative", 0],
      latent_image: ["latent", 0],
    },
  },
  decode: { class_type: "VAEDecode", inputs: { samples: ["sampler", 0], vae: ["ckpt", 2] } },
  save: { class_type: "SaveImage", inputs: { filename_prefix: "llava-bot", images: ["decode", 0] } },
};

function img2imgWorkflow(): Workflow {
  const wf: Workflow = structuredClone(TXT2IMG);
  delete wf.latent;
  wf.load = { class_type: "LoadImage", inputs: { image: "{{image}}" } };
  wf.encode = { class_type: "VAEEncode", inputs: { pixels: ["load", 0], vae: ["ckpt", 2] } };
  const sampler = wf.sampler as Workflow[string];
  sampler.inputs.latent_image = ["encode", 0];
  sampler.inputs.denoise = "{{strength}}";
  return wf;
}

/** Replaces placeholders; a value that is exactly one placeholder keeps its type (numbers stay numbers). */
function fillWorkflow(node: unknown, values: Record<string, string | number>): unknown {
  if (typeof node === "string") {
    const whole = /^\{\{(\w+)\}\}$/.exec(node);
    if (whole?.[1] && whole[1] in values) return values[whole[1]];
    return node.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
  }
  if (Array.isArray(node)) return node.map((n) => fillWorkflow(n, values));
  if (node && typeof node === "object")
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fillWorkflow(v, values)]));
  return node;
}

function waitForPrompt(
  ws: WebSocket,
  promptId: () => string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new CodedError(ErrorCode.Timeout, `ComfyUI did not finish within ${timeoutMs / 1000} s.`)),
      timeoutMs,
    );
    const onAbort = () => finish(new CodedError(ErrorCode.Aborted, "The request was cancelled."));
    signal.addEventListener("abort", onAbort, { once: true });
    function finish(err?: Error) {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      ws.close();
      if (err) reject(err);
      else resolve();
    }
    ws.on("message", (raw, binary) => {
      if (binary) return; // live previews
      let msg: {
        type?: string;
        data?: { node?: string | null; prompt_id?: string; exception_message?: string };
      };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (msg.data?.prompt_id !== promptId()) return;
      if (msg.type === "executing" && msg.data?.node === null) finish();
      if (msg.type === "execution_error")
        finish(
          new CodedError(
            ErrorCode.ImageBackendDown,
            `ComfyUI failed: ${msg.data?.exception_message ?? "execution error"}`,
          ),
        );
    });
    ws.on("close", () =>
      finish(
        new CodedError(
          ErrorCode.ImageBackendDown,
          "ComfyUI closed the connection before the image was ready.",
        ),
      ),
    );
  });
}

export function comfyuiBackend(options: BackendOptions): ImageBackend {
  const { base, shown, headers: login } = backendAddress(options.url);
  const limits = { timeoutMs: options.timeoutMs, service: "ComfyUI", maxBytes: options.maxBytes };
  const custom = options.workflow
    ? (JSON.parse(readFileSync(options.workflow, "utf8")) as Workflow)
    : undefined;

  async function run(
    workflow: Workflow,
    values: Record<string, string | number>,
    signal: AbortSignal,
  ): Promise<Buffer> {
    const clientId = randomUUID();
    const opts = { ...limits, signal };
    // The handshake has the backend's timeout too: a server that takes the connection and never
    // upgrades it must not hold the request forever.
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/ws?clientId=${clientId}`, {
      headers: login,
      handshakeTimeout: options.timeoutMs,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", (cause) =>
        reject(
          new CodedError(
            ErrorCode.ImageBackendDown,
            `The image generator (ComfyUI at ${shown}) cannot be reached. Please try again later.`,
            { cause, url: shown },
          ),
        ),
      );
    });
    let promptId: string | undefined;
    const done = waitForPrompt(ws, () => promptId, options.timeoutMs, signal);
    done.catch(() => undefined);
    const res = await call(
      `${base}/prompt`,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...login },
        body: JSON.stringify({ prompt: fillWorkflow(workflow, values), client_id: clientId }),
      },
      opts,
    );
    promptId = (await res.json<{ prompt_id?: string }>()).prompt_id;
    if (!promptId) throw new CodedError(ErrorCode.ImageBackendDown, "ComfyUI did not accept the workflow.");
    await done;
    const history = await (
      await call(`${base}/history/${promptId}`, { method: "GET", headers: login }, opts)
    ).json<
      Record<
        string,
        { outputs?: Record<string, { images?: { filename: string; subfolder?: string; type?: string }[] }> }
      >
    >();
    const image = Object.values(history[promptId]?.outputs ?? {}).flatMap((o) => o.images ?? [])[0];
    if (!image)
      throw new CodedError(
        ErrorCode.ImageBackendDown,
        "ComfyUI finished without an output image (does the workflow have a SaveImage node?).",
      );
    const query = new URLSearchParams({
      filename: image.filename,
      subfolder: image.subfolder ?? "",
      type: image.type ?? "output",
    });
    return (await call(`${base}/view?${query}`, { method: "GET", headers: login }, opts)).bytes();
  }

  return {
    name: "comfyui",
    txt2img: (r) =>
      run(
        custom ?? TXT2IMG,
        {
          prompt: r.prompt,
          seed: r.seed,
          width: r.width,
          height: r.height,
          model: options.model ?? "sd_xl_base_1.0.safetensors",
        },
        r.signal,
      ),
    async img2img(r) {
      const form = new FormData();
      form.set(
        "image",
        new Blob([new Uint8Array(r.image)], { type: "image/png" }),
        `llava-bot-${randomUUID()}.png`,
      );
      form.set("overwrite", "true");
      const up = await call(
        `${base}/upload/image`,
        { method: "POST", body: form, headers: login },
        { ...limits, signal: r.signal },
      );
      const name = (await up.json<{ name?: string }>()).name ?? "";
      return run(
        custom ?? img2imgWorkflow(),
        {
          prompt: r.prompt,
          seed: r.seed,
          image: name,
          strength: r.strength,
          model: options.model ?? "sd_xl_base_1.0.safetensors",
        },
        r.signal,
      );
    },
  };
}
