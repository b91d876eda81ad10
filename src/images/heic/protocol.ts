/** Messages between the HEIC decoder pool and its decoder processes (over the IPC channel). */
export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
  maxPixels: number;
  /** Long edge of the normalised result. */
  edge: number;
}

export type DecodeReply =
  /** Sent once, when libheif has loaded: from then on a crash is the file's doing, not ours. */
  | { id: 0; kind: "ready" }
  /** The primary image normalised (src/images/normalise.ts): its size now and its encoded bytes. */
  | { id: number; kind: "ok"; width: number; height: number; mime: "image/jpeg"; bytes: Uint8Array }
  | { id: number; kind: "too-many-pixels"; width: number; height: number }
  /** `detail` is libheif's own words, for the log; users get one plain sentence. */
  | { id: number; kind: "corrupt"; detail: string };
