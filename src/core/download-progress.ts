import type { LoadProgress } from "./model-port.js";

/** The part of transformers.js's progress_callback payload we read. */
export interface HubProgress {
  status?: string;
  file?: string;
  loaded?: number;
  total?: number;
}

/**
 * Folds transformers.js's per-file progress events into one running total over every file a
 * load fetches (processor, tokenizer and each ONNX file arrive as separate downloads).
 */
export function downloadTracker(report: (p: LoadProgress) => void) {
  const files = new Map<string, { loaded: number; total: number }>();
  return (p: HubProgress) => {
    if (p.status !== "progress" || !p.file) return;
    files.set(p.file, { loaded: p.loaded ?? 0, total: p.total ?? 0 });
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const f of files.values()) {
      loadedBytes += f.loaded;
      totalBytes += f.total;
    }
    report({
      stage: "download",
      file: p.file,
      loadedBytes,
      totalBytes,
      ...(totalBytes > 0 ? { fraction: loadedBytes / totalBytes } : {}),
    });
  };
}
