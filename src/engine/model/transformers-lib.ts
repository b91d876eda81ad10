/** The parts of transformers.js the in-process backend uses, typed (the library's own types are loose around multimodal models). */

export interface Tok {
  chat_template?: unknown;
  encode(text: string, options?: Record<string, unknown>): number[];
  apply_chat_template(messages: unknown, options: Record<string, unknown>): unknown;
  batch_decode(ids: unknown, options: Record<string, unknown>): string[];
  (
    text: string,
    options?: Record<string, unknown>,
  ): Promise<Record<string, unknown>> | Record<string, unknown>;
}
export type ImageProc = ((images: unknown) => Promise<Record<string, unknown> & { pixel_values: Seq }>) & {
  size?: unknown;
  crop_size?: unknown;
};
export interface Proc {
  tokenizer?: Tok;
  image_processor?: ImageProc;
}
export interface Seq {
  dims: number[];
  slice(...ranges: unknown[]): Seq;
}
export interface Model {
  config: {
    model_type?: string;
    text_config?: { model_type?: string };
    image_token_index?: number;
    image_token_id?: number;
    vision_feature_select_strategy?: string;
    vision_config?: { model_type?: string; patch_size?: number };
  };
  encode_image(inputs: { pixel_values: unknown }): Promise<{ dims: number[] }>;
  generate(args: Record<string, unknown>): Promise<Seq>;
  dispose(): Promise<unknown>;
}

/**
 * The largest edge the processor resizes to (its crop, its square, or its shortest edge); a photo
 * shrunk so its short edge is this loses nothing the processor would keep. 1024 when it names none.
 */
export function processorEdge(processor: ImageProc): number {
  const edges: number[] = [];
  for (const size of [processor.crop_size, processor.size]) {
    if (typeof size === "number") edges.push(size);
    else if (size && typeof size === "object")
      for (const v of Object.values(size)) if (typeof v === "number" && v < 4096) edges.push(v);
  }
  return edges.length ? Math.max(...edges) : 1024;
}
