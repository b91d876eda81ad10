import type {
  ChatMessage,
  GenerateRequest,
  GenerateResult,
  ModelImage,
  ModelPort,
} from "../../core/model-port.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { jpegCopy, modelCopies } from "../../images/model-copy.js";
import { logger } from "../../log.js";

/**
 * Any OpenAI-compatible chat-completions server with image input: vLLM, SGLang, llama.cpp's server
 * with --mmproj, Ollama's /v1. The path for big LLaVA models on GPU servers.
 */
export interface OpenAIOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  maxNewTokens: number;
  temperature: number;
  /** Long edge of the copy of each photo sent (model.imageEdge; "auto": OPENAI_IMAGE_EDGE). */
  imageEdge?: number | "auto";
}

/**
 * The edge sent when none is set: twice the 336–384 px a LLaVA encoder sees, so servers that tile
 * (OneVision, NeXT) get a 2×2 grid and the rest shrink it the last step themselves.
 */
const OPENAI_IMAGE_EDGE = 768;

type Part = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

function dataUrl(image: ModelImage): string {
  return `data:${image.mime};base64,${image.bytes.toString("base64")}`;
}

/** Each turn's images go before its text, in the order the request lists them. */
function toOpenAIMessages(
  messages: ChatMessage[],
  images: ModelImage[],
): { role: string; content: string | Part[] }[] {
  let next = 0;
  return messages.map((m) => {
    const count = m.imageCount ?? 0;
    if (count === 0) return { role: m.role, content: m.content };
    const parts: Part[] = [];
    for (let i = 0; i < count; i++) {
      const image = images[next++];
      if (image) parts.push({ type: "image_url", image_url: { url: dataUrl(image) } });
    }
    parts.push({ type: "text", text: m.content });
    return { role: m.role, content: parts };
  });
}

function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

async function errorText(res: Response): Promise<string> {
  const body = await res.text().catch(() => "");
  try {
    const json = JSON.parse(body) as {
      error?: { message?: string } | string;
      message?: string;
      detail?: string;
    };
    const e = json.error;
    return (typeof e === "string" ? e : e?.message) ?? json.message ?? json.detail ?? body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

interface Chunk {
  choices?: { delta?: { content?: string }; message?: { content?: string }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** Reads a server-sent-events body, calling back with each `data:` payload. */
async function readSse(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      if (line.startsWith("data:")) onData(line.slice(5).trim());
      nl = buffer.indexOf("\n");
    }
  }
  if (buffer.startsWith("data:")) onData(buffer.slice(5).trim());
}

export function createOpenAIModel(options: OpenAIOptions): ModelPort {
  const edge = typeof options.imageEdge === "number" ? options.imageEdge : OPENAI_IMAGE_EDGE;
  // Each photo shrunk and encoded once, kept by its blob key; every call uploads that copy.
  const copy = modelCopies(jpegCopy);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  function failure(err: unknown, url: string, timedOut: boolean, signal?: AbortSignal): CodedError {
    if (err instanceof CodedError) return err;
    if (signal?.aborted)
      return new CodedError(ErrorCode.Aborted, "The request was cancelled.", { cause: err, url });
    if (timedOut)
      return new CodedError(
        ErrorCode.Timeout,
        `The model server at ${options.baseUrl} did not answer within ${options.timeoutMs} ms.`,
        {
          cause: err,
          url,
        },
      );
    return new CodedError(
      ErrorCode.ModelServerDown,
      `Cannot reach the model server at ${options.baseUrl} (${(err as Error)?.message ?? err}). Start it (e.g. vllm serve ${options.model}) or set model.openai.baseUrl.`,
      { cause: err, url },
    );
  }

  async function call(
    path: string,
    init: RequestInit,
    signal?: AbortSignal,
  ): Promise<{ res: Response; done: () => void; timedOut: () => boolean }> {
    const url = endpoint(options.baseUrl, path);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    try {
      const res = await fetch(url, { ...init, headers, signal: controller.signal });
      if (!res.ok) {
        const text = await errorText(res);
        done();
        throw new CodedError(
          res.status >= 500 ? ErrorCode.ModelServerDown : ErrorCode.ModelServerRejected,
          `The model server refused the request (HTTP ${res.status}): ${text || res.statusText}`,
          { status: res.status, url },
        );
      }
      return { res, done, timedOut: () => timedOut };
    } catch (err) {
      done();
      throw failure(err, url, timedOut, signal);
    }
  }

  return {
    id: `openai:${options.model}@${options.baseUrl}`,
    async load() {
      const { res, done } = await call("/models", { method: "GET" });
      try {
        const json = (await res.json()) as { data?: { id?: string }[] };
        const ids = (json.data ?? []).map((m) => m.id);
        if (ids.length && !ids.includes(options.model))
          logger().warn(
            { model: options.model, served: ids },
            "the model server does not list the configured model",
          );
      } finally {
        done();
      }
    },
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const stream = Boolean(request.onToken) && !request.unseen;
      const maxTokens = request.maxNewTokens ?? options.maxNewTokens;
      const images = await Promise.all(request.images.map((i) => copy(i, { edge, fit: "inside" })));
      const body = JSON.stringify({
        model: options.model,
        messages: toOpenAIMessages(request.messages, images),
        max_tokens: maxTokens,
        temperature: request.temperature ?? options.temperature,
        stream,
        ...(request.stop?.length ? { stop: request.stop } : {}),
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      });
      const started = performance.now();
      const { res, done, timedOut } = await call(
        "/chat/completions",
        { method: "POST", body },
        request.signal,
      );
      let text = "";
      let finish: string | null | undefined;
      let usage: Chunk["usage"];
      let firstAt: number | undefined;
      try {
        if (stream && res.body) {
          await readSse(res.body, (data) => {
            if (data === "[DONE]" || !data) return;
            let chunk: Chunk;
            try {
              chunk = JSON.parse(data) as Chunk;
            } catch {
              return; // keep-alive comments and partial garbage are skipped
            }
            const choice = chunk.choices?.[0];
            const piece = choice?.delta?.content ?? "";
            if (piece) {
              firstAt ??= performance.now();
              text += piece;
              request.onToken?.(piece);
            }
            if (choice?.finish_reason) finish = choice.finish_reason;
            if (chunk.usage) usage = chunk.usage;
          });
        } else {
          const json = (await res.json()) as Chunk;
          text = json.choices?.[0]?.message?.content ?? "";
          finish = json.choices?.[0]?.finish_reason;
          usage = json.usage;
        }
      } catch (err) {
        throw failure(err, endpoint(options.baseUrl, "/chat/completions"), timedOut(), request.signal);
      } finally {
        done();
      }
      const ended = performance.now();
      return {
        text: text.trim(),
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
        finishReason: request.signal?.aborted ? "abort" : finish === "length" ? "length" : "stop",
        timings: { prefillMs: (firstAt ?? ended) - started, decodeMs: ended - (firstAt ?? ended) },
      };
    },
    async dispose() {},
  };
}
