import type { LoadProgress, ModelPort } from "../../core/model-port.js";

type ModelState = "idle" | "downloading" | "loading" | "ready" | "failed";

export interface ModelStatus {
  state: ModelState;
  /** 0..1 while downloading, when the sizes are known. */
  fraction?: number;
  loadedBytes?: number;
  totalBytes?: number;
  /** Why the last load failed (operator text; never shown to users as is). */
  error?: string;
}

export interface ModelLoader {
  /** Starts loading if nothing is loaded or loading; resolves when ready, rejects if it fails. */
  ensure(): Promise<void>;
  status(): ModelStatus;
  /** Subscribes to status changes; returns the unsubscribe function. */
  onChange(listener: (s: ModelStatus) => void): () => void;
}

/** "model downloading 43 %", "model loading", … for progress lines, /healthz and chat. */
export function describeStatus(s: ModelStatus): string {
  if (s.state === "downloading")
    return s.fraction === undefined
      ? "model downloading"
      : `model downloading ${Math.floor(s.fraction * 100)} %`;
  if (s.state === "failed") return "model failed to load";
  return `model ${s.state === "idle" ? "not loaded yet" : s.state}`;
}

/**
 * Tracks one model port's loading, so requests that need the model can wait for it (and see its
 * progress) while skills that do not need it run at once. A failed load is tried again by the
 * next request that needs the model (the folder may have appeared, the network come back).
 */
export function createModelLoader(model: ModelPort): ModelLoader {
  let status: ModelStatus = { state: "idle" };
  let pending: Promise<void> | undefined;
  const listeners = new Set<(s: ModelStatus) => void>();
  const set = (next: ModelStatus) => {
    status = next;
    for (const l of listeners) l(status);
  };
  const onProgress = (p: LoadProgress) => {
    if (p.stage === "download")
      set({
        state: "downloading",
        ...(p.fraction !== undefined ? { fraction: p.fraction } : {}),
        ...(p.loadedBytes !== undefined ? { loadedBytes: p.loadedBytes } : {}),
        ...(p.totalBytes !== undefined ? { totalBytes: p.totalBytes } : {}),
      });
    else if (p.stage === "load" && status.state !== "downloading") set({ state: "loading" });
  };
  return {
    ensure() {
      if (status.state === "ready") return Promise.resolve();
      pending ??= (async () => {
        set({ state: "loading" });
        try {
          await model.load(onProgress);
          set({ state: "ready" });
        } catch (err) {
          set({ state: "failed", error: (err as Error)?.message ?? String(err) });
          throw err;
        } finally {
          pending = undefined;
        }
      })();
      return pending;
    },
    status: () => status,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The status as a load-progress event, for the progress bars the CLI draws. */
export function statusAsProgress(s: ModelStatus): LoadProgress {
  if (s.state === "downloading")
    return {
      stage: "download",
      ...(s.fraction !== undefined ? { fraction: s.fraction } : {}),
      ...(s.loadedBytes !== undefined ? { loadedBytes: s.loadedBytes } : {}),
      ...(s.totalBytes !== undefined ? { totalBytes: s.totalBytes } : {}),
    };
  return { stage: s.state === "ready" ? "ready" : "load" };
}
