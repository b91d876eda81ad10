/**
 * The HEIC decoder's thread: libheif (WebAssembly, from libheif-js) decodes synchronously, so it
 * runs here, never on the thread that acknowledges platform events. One request at a time.
 */
// First, before libheif binds console.log: the CLI prints answers on stdout, so libheif's own
// messages go to stderr. (Piping the thread's stdout instead would keep the process alive.)
import "./stdout-to-stderr.js";
import { parentPort } from "node:worker_threads";
import libheif, { type HeifError } from "libheif-js/wasm-bundle";
import type { DecodeReply, DecodeRequest } from "./protocol.js";

function failed(value: object): value is HeifError {
  return "code" in value && "message" in value;
}

async function decode(req: DecodeRequest): Promise<{ reply: DecodeReply; transfer: ArrayBuffer[] }> {
  const ctx = libheif.heif_context_alloc();
  try {
    const read = libheif.heif_context_read_from_memory(ctx, req.bytes);
    if (read.code.value !== 0)
      return { reply: { id: req.id, kind: "corrupt", detail: read.message }, transfer: [] };
    const handle = libheif.heif_js_context_get_primary_image_handle(ctx);
    if (failed(handle))
      return { reply: { id: req.id, kind: "corrupt", detail: handle.message }, transfer: [] };
    try {
      // The size after rotation, read from the header: a pixel bomb is refused before decoding.
      const width = libheif.heif_image_handle_get_width(handle);
      const height = libheif.heif_image_handle_get_height(handle);
      if (width * height > req.maxPixels)
        return { reply: { id: req.id, kind: "too-many-pixels", width, height }, transfer: [] };
      const hasAlpha = libheif.heif_image_handle_has_alpha_channel(handle) !== 0;
      const image = libheif.heif_js_decode_image2(
        handle,
        libheif.heif_colorspace.heif_colorspace_RGB,
        libheif.heif_chroma.heif_chroma_interleaved_RGBA,
      );
      if (failed(image))
        return { reply: { id: req.id, kind: "corrupt", detail: image.message }, transfer: [] };
      try {
        const plane = image.channels.find(
          (c) => c.id.value === libheif.heif_channel.heif_channel_interleaved.value,
        );
        if (plane?.bits_per_pixel !== 8)
          return { reply: { id: req.id, kind: "corrupt", detail: "no 8-bit RGBA plane" }, transfer: [] };
        // Rows may be padded (stride > width × 4); sharp wants them packed.
        const row = plane.width * 4;
        const pixels = new Uint8Array(row * plane.height);
        for (let y = 0; y < plane.height; y++)
          pixels.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
        return {
          reply: { id: req.id, kind: "ok", width: plane.width, height: plane.height, hasAlpha, pixels },
          transfer: [pixels.buffer],
        };
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

// No top-level await: from source, this file is loaded through tsx's require hook (see pool.ts).
const loaded = Promise.resolve(libheif.ready).then(() =>
  parentPort?.postMessage({ id: 0, kind: "ready" } satisfies DecodeReply),
);
parentPort?.on("message", (req: DecodeRequest) => {
  loaded
    .then(() => decode(req))
    .then(
      ({ reply, transfer }) => parentPort?.postMessage(reply, transfer),
      (err: unknown) =>
        parentPort?.postMessage({ id: req.id, kind: "corrupt", detail: String(err) } satisfies DecodeReply),
    );
});
