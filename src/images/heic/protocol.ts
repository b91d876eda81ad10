/** Messages between the HEIC decoder pool (main thread) and its worker threads. */
export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
  maxPixels: number;
}

export type DecodeReply =
  /** Sent once, when libheif has loaded: from then on a crash is the file's doing, not ours. */
  | { id: 0; kind: "ready" }
  | { id: number; kind: "ok"; width: number; height: number; hasAlpha: boolean; pixels: Uint8Array }
  | { id: number; kind: "too-many-pixels"; width: number; height: number }
  /** `detail` is libheif's own words, for the log; users get one plain sentence. */
  | { id: number; kind: "corrupt"; detail: string };
