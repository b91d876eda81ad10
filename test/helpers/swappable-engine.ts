import type { Config } from "../../src/config/schema.js";
import type { ModelPort } from "../../src/core/model-port.js";
import { createEngine } from "../../src/engine/engine.js";
import { startEngineWorker } from "../../src/engine/worker.js";
import { redisUrl } from "./redis.js";
import { scriptedModel } from "./scripted-model.js";

/**
 * An engine and its worker on the run's Redis whose model a test swaps for its own (a paced
 * model, a long answer written at once…), for tests about the adapters rather than the model.
 */
export async function startSwappableEngine(config: Config) {
  let current: ModelPort = scriptedModel(["ok"]);
  const model: ModelPort = {
    id: "swappable",
    load: async () => undefined,
    dispose: async () => undefined,
    generate: (r) => current.generate(r),
  };
  const engine = await createEngine({ config, secrets: {}, model });
  const worker = startEngineWorker({ redisUrl: redisUrl(), prefix: config.redis.prefix, config, engine });
  return {
    /** The model the next generation uses. */
    use<M extends ModelPort>(next: M): M {
      current = next;
      return next;
    },
    async close() {
      await worker.close(500);
      await engine.close();
    },
  };
}

/** A model that writes `text` at once, without streaming it: the answer arrives only as a delivery. */
export function wholeAnswer(text: string): ModelPort {
  return {
    id: "whole",
    load: async () => undefined,
    dispose: async () => undefined,
    generate: async () => ({ text, promptTokens: 10, completionTokens: 10, finishReason: "stop" }),
  };
}

/**
 * A long answer in `parts` paragraphs of `words` words each ("Part 1. p1w1 p1w2 …"), sized so
 * that each paragraph is one message of a platform's split.
 */
export function longAnswer(words: number, parts = 3): { parts: string[]; text: string } {
  const list = Array.from({ length: parts }, (_, k) =>
    [`Part ${k + 1}.`, ...Array.from({ length: words }, (_, i) => `p${k + 1}w${i + 1}`)].join(" "),
  );
  return { parts: list, text: list.join("\n\n") };
}
