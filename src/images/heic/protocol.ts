/**
 * Messages between the HEIC decoder pool and its decoder processes (over the IPC channel). The
 * bytes themselves go through files: the IPC channel's reader gathers a message of megabytes by
 * copying its chunks on the main thread, which is the thread that acknowledges platform events.
 */
export interface DecodeRequest {
  id: number;
  /** The HEIC file to read. */
  input: string;
  /** Where the normalised JPEG goes. */
  output: string;
  maxPixels: number;
  /** Long edge of the normalised result. */
  edge: number;
}

export type DecodeReply =
  /** Sent once, when libheif has loaded: from then on a crash is the file's doing, not ours. */
  | { id: 0; kind: "ready" }
  /** The primary image normalised (src/images/normalise.ts), written to the request's `output`. */
  | { id: number; kind: "ok"; width: number; height: number; mime: "image/jpeg" }
  | { id: number; kind: "too-many-pixels"; width: number; height: number }
  /** `detail` is libheif's own words, for the log; users get one plain sentence. */
  | { id: number; kind: "corrupt"; detail: string };
