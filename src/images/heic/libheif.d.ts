/** The part of libheif-js's WebAssembly build (embind bindings of libheif's C API) that we call. */
declare module "libheif-js/wasm-bundle" {
  export interface Enum {
    readonly value: number;
  }
  export interface HeifError {
    code: Enum;
    message: string;
  }
  export interface Channel {
    id: Enum;
    width: number;
    height: number;
    stride: number;
    bits_per_pixel: number;
    /** A view into the module's memory: copy it before the image is released. */
    data: Uint8Array;
  }
  export interface Decoded {
    image: object;
    width: number;
    height: number;
    channels: Channel[];
  }
  export type Context = object;
  export type Handle = object;
  export interface LibHeif {
    ready?: Promise<unknown>;
    heif_get_version(): string;
    heif_error_code: { heif_error_Ok: Enum };
    heif_colorspace: { heif_colorspace_RGB: Enum };
    heif_chroma: { heif_chroma_interleaved_RGBA: Enum };
    heif_channel: { heif_channel_interleaved: Enum };
    heif_context_alloc(): Context;
    heif_context_free(ctx: Context): void;
    heif_context_read_from_memory(ctx: Context, bytes: Uint8Array): HeifError;
    /** The primary image's handle, or an error object with a `code`. */
    heif_js_context_get_primary_image_handle(ctx: Context): Handle | HeifError;
    /** Width and height after the image's transformations (irot, imir, clap). */
    heif_image_handle_get_width(handle: Handle): number;
    heif_image_handle_get_height(handle: Handle): number;
    heif_image_handle_has_alpha_channel(handle: Handle): number;
    heif_image_handle_release(handle: Handle): void;
    /** Decodes with libheif's default options, which apply the transformations. */
    heif_js_decode_image2(handle: Handle, colorspace: Enum, chroma: Enum): Decoded | HeifError;
    heif_image_release(image: object): void;
  }
  const libheif: LibHeif;
  export default libheif;
}
