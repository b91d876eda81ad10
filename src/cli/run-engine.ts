import type { LoadedConfig } from "../config/load.js";
import { createEngine } from "../engine/engine.js";
import type { EngineOutput, EngineRequest } from "../engine/types.js";
import { loadProgress } from "./progress.js";

/** Runs one request through an in-process engine (no Redis), showing model loading on stderr. */
export async function runOnce(
  loaded: LoadedConfig,
  request: EngineRequest,
  options: { quiet?: boolean } = {},
): Promise<{ output: EngineOutput; model: string; ms: number }> {
  const engine = await createEngine(loaded);
  try {
    try {
      await engine.model.load(options.quiet ? undefined : loadProgress(`model ${engine.model.id}`));
    } catch (err) {
      if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K"); // clear a half-drawn progress line
      throw err;
    }
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), loaded.config.engine.jobTimeoutMs);
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    try {
      const output = await engine.run(request, { signal: controller.signal });
      return { output, model: engine.model.id, ms: Math.round(performance.now() - started) };
    } finally {
      clearTimeout(timer);
      process.off("SIGINT", stop);
    }
  } finally {
    await engine.close();
  }
}
