import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { env } from "@huggingface/transformers";

/**
 * `dtype: auto`, per ONNX file: the smallest precision the repository ships that the device runs
 * well. On CPU, onnxruntime has fast int8 and 4-bit matmul kernels but emulates fp16, so the
 * decoder takes q4 (then q8) and the vision encoder and embeddings q8; on CUDA, fp16 everywhere
 * (then q4f16). fp32 is the fallback on both, and a file the repository ships in no listed
 * precision is left to transformers.js.
 */

export const FILES = ["vision_encoder", "embed_tokens", "decoder_model_merged"] as const;
type Part = (typeof FILES)[number];
type Device = "cpu" | "cuda";

/** File-name suffix → the dtype transformers.js names it by. */
export const SUFFIX_DTYPE: Record<string, string> = {
  "": "fp32",
  _fp16: "fp16",
  _q4f16: "q4f16",
  _q4: "q4",
  _quantized: "q8",
  _int8: "int8",
  _uint8: "uint8",
  _bnb4: "bnb4",
};

const PREFERENCE: Record<Device, Record<Part, string[]>> = {
  cpu: {
    vision_encoder: ["_quantized", "_int8", "_uint8", "", "_fp16"],
    embed_tokens: ["_quantized", "_int8", "_uint8", "", "_fp16"],
    decoder_model_merged: ["_q4", "_quantized", "_int8", "_uint8", "", "_q4f16", "_fp16"],
  },
  cuda: {
    vision_encoder: ["_fp16", "", "_q4f16", "_quantized"],
    embed_tokens: ["_fp16", "", "_quantized"],
    decoder_model_merged: ["_fp16", "_q4f16", "", "_q4", "_quantized"],
  },
};

/** The dtype per file for a device, from the ONNX file names present (e.g. "decoder_model_merged_q4.onnx"). */
export function autoDtypes(present: ReadonlySet<string>, device: Device): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const file of FILES) {
    const suffix = PREFERENCE[device][file].find((s) => present.has(`${file}${s}.onnx`));
    if (suffix !== undefined) out[file] = SUFFIX_DTYPE[suffix] ?? "fp32";
  }
  return Object.keys(out).length ? out : undefined;
}

/** The hub's listing of a repository's files (paths such as onnx/x.onnx), or undefined when it cannot be reached. */
export async function hubListing(id: string, token?: string): Promise<Set<string> | undefined> {
  if (!env.allowRemoteModels) return undefined;
  try {
    const res = await fetch(`${env.remoteHost.replace(/\/+$/, "")}/api/models/${id}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { siblings?: { rfilename: string }[] };
    return new Set((body.siblings ?? []).map((s) => s.rfilename));
  } catch {
    return undefined;
  }
}

/** The ONNX file names in a hub listing, as autoDtypes takes them. */
export function onnxNames(listing: ReadonlySet<string>): Set<string> {
  return new Set([...listing].filter((f) => f.startsWith("onnx/")).map((f) => f.slice(5)));
}

/**
 * `auto` for a source: from a folder's files, or the hub's listing; undefined (transformers.js
 * decides) when the hub cannot be reached, e.g. offline with a cached model.
 */
export async function autoDtype(
  source: { kind: "folder"; path: string } | { kind: "hub"; id: string },
  device: Device,
): Promise<Record<string, string> | undefined> {
  if (source.kind === "folder") return localDtypes(source.path, device);
  const listing = await hubListing(source.id);
  return listing && autoDtypes(onnxNames(listing), device);
}

/** `auto` for a local folder: from the ONNX files it holds. */
export function localDtypes(folder: string, device: Device): Record<string, string> | undefined {
  const dir = join(folder, "onnx");
  return existsSync(dir) ? autoDtypes(new Set(readdirSync(dir)), device) : undefined;
}
