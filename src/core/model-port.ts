/**
 * The one interface the engine uses to talk to a vision-language model, whatever runs it
 * (transformers.js in-process, or an OpenAI-compatible server).
 */

/** An image already validated and normalised by src/images (decoded, oriented, shrunk). */
export interface ModelImage {
  /** Encoded bytes (PNG or JPEG) */
  bytes: Buffer;
  mime: "image/png" | "image/jpeg" | "image/webp";
  width: number;
  height: number;
  /** The blob it came from, when it has one: the backends keep their model-size copy by it. */
  key?: string;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** How many of the request's images belong to this turn, placed before the text (default 0). */
  imageCount?: number;
}

type LoadStage = "download" | "load" | "ready";

export interface LoadProgress {
  stage: LoadStage;
  /** File being fetched or loaded, when known. */
  file?: string;
  /** 0..1 when known (over every file fetched so far, for downloads). */
  fraction?: number;
  /** Bytes fetched and expected so far, over all files (downloads only). */
  loadedBytes?: number;
  totalBytes?: number;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  /** All images of the conversation, in the order their turns reference them. */
  images: ModelImage[];
  maxNewTokens?: number;
  temperature?: number;
  /** Decoding ends before any of these texts (the text returned leaves it out). */
  stop?: string[];
  signal?: AbortSignal;
  /** Nobody sees this call's text as it is written (a post's captions): it is not streamed. */
  unseen?: boolean;
  /** Called with each new piece of text as it is decoded. */
  onToken?: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  /** Tokens in the prompt (including image tokens) and generated. */
  promptTokens: number;
  completionTokens: number;
  finishReason: "stop" | "length" | "abort";
  timings?: { prefillMs?: number; decodeMs?: number; preprocessMs?: number };
}

export interface ModelPort {
  /** What is loaded: a hub id, a folder, or `openai:<model>@<url>`. */
  readonly id: string;
  /** Loads weights (or checks the server); idempotent. */
  load(onProgress?: (p: LoadProgress) => void): Promise<void>;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  dispose(): Promise<void>;
}
