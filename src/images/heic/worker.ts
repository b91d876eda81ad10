/**
 * The HEIC decoder process (started by pool.ts, at a lower priority): libheif (WebAssembly, from
 * libheif-js) decodes synchronously, so it runs here, never in the process that acknowledges
 * platform events; sharp then normalises the pixels here too, so they never reach that process's
 * heap. One request at a time.
 */
import { readFileSync, writeFileSync } from "node:fs";
import libheif, { type HeifError } from "libheif-js/wasm-bundle";
import sharp from "sharp";
import { normalise } from "../normalise.js";
import type { DecodeReply, DecodeRequest } from "./protocol.js";

function failed(value: object): value is HeifError {
  return "code" in value && "message" in value;
}

type Decoded =
  | { kind: "ok"; width: number; height: number; hasAlpha: boolean; pixels: Uint8Array }
  | Exclude<DecodeReply, { kind: "ok" | "ready" }>;

/** The primary image as packed RGBA, libheif's memory released before returning. */
function decodePixels(req: DecodeRequest): Decoded {
  const corrupt = (detail: string) => ({ id: req.id, kind: "corrupt", detail }) as const;
  const ctx = libheif.heif_context_alloc();
  try {
    const read = libheif.heif_context_read_from_memory(ctx, readFileSync(req.input));
    if (read.code.value !== 0) return corrupt(read.message);
    const handle = libheif.heif_js_context_get_primary_image_handle(ctx);
    if (failed(handle)) return corrupt(handle.message);
    try {
      // The size after rotation, read from the header: a pixel bomb is refused before decoding.
      const width = libheif.heif_image_handle_get_width(handle);
      const height = libheif.heif_image_handle_get_height(handle);
      if (width * height > req.maxPixels) return { id: req.id, kind: "too-many-pixels", width, height };
      const hasAlpha = libheif.heif_image_handle_has_alpha_channel(handle) !== 0;
      const image = libheif.heif_js_decode_image2(
        handle,
        libheif.heif_colorspace.heif_colorspace_RGB,
        libheif.heif_chroma.heif_chroma_interleaved_RGBA,
      );
      if (failed(image)) return corrupt(image.message);
      try {
        const plane = image.channels.find(
          (c) => c.id.value === libheif.heif_channel.heif_channel_interleaved.value,
        );
        if (plane?.bits_per_pixel !== 8) return corrupt("no 8-bit RGBA plane");
        // Rows may be padded (stride > width × 4); sharp wants them packed.
        const row = plane.width * 4;
        const pixels = new Uint8Array(row * plane.height);
        for (let y = 0; y < plane.height; y++)
          pixels.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
        return { kind: "ok", width: plane.width, height: plane.height, hasAlpha, pixels };
      } finally {
        libheif.heif_image_release(image.image);
      }
    } finally {
      libheif.heif_image_handle_release(handle);
    }
  } finally {
    libheif.heif_context_free(ctx);
  }
}

async function decode(req: DecodeRequest): Promise<DecodeReply> {
  const decoded = decodePixels(req);
  if (decoded.kind !== "ok") return decoded;
  const { width, height, hasAlpha, pixels } = decoded;
  try {
    const raw = sharp(pixels, { raw: { width, height, channels: 4 }, limitInputPixels: req.maxPixels });
    const out = await normalise(hasAlpha ? raw : raw.removeAlpha(), {
      edge: req.edge,
      hasAlpha,
      photo: true,
    });
    writeFileSync(req.output, out.bytes, { mode: 0o600 });
    return { id: req.id, kind: "ok", width: out.width, height: out.height, mime: "image/jpeg" };
  } catch (err) {
    return { id: req.id, kind: "corrupt", detail: String(err) };
  }
}

const send = (reply: DecodeReply) => process.send?.(reply);
const loaded = Promise.resolve(libheif.ready).then(() => send({ id: 0, kind: "ready" }));
process.on("message", (req: DecodeRequest) => {
  loaded
    .then(() => decode(req))
    .then(send, (err: unknown) => send({ id: req.id, kind: "corrupt", detail: String(err) }));
});
// The pool going away (a crash, a kill) leaves no decoder behind.
process.on("disconnect", () => process.exit(0));
