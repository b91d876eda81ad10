import type { GenerateRequest, GenerateResult, ModelPort } from "../../src/engine/model/port.js";

/** A ModelPort that replays recorded model turns in order and keeps what it was asked. */
export function scriptedModel(turns: string[]): ModelPort & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  let i = 0;
  return {
    id: "scripted",
    requests,
    async load() {},
    async generate(request): Promise<GenerateResult> {
      const { signal: _signal, onToken: _onToken, ...plain } = request;
      requests.push(structuredClone(plain));
      const text = turns[Math.min(i, turns.length - 1)] ?? "";
      i++;
      request.onToken?.(text);
      return { text, promptTokens: 10, completionTokens: 5, finishReason: "stop" };
    },
    async dispose() {},
  };
}

/**
 * The tiny model, or, while `hostile` is on, a fixed hostile answer (for tests proving that
 * model output cannot ping anyone).
 */
export function tinyOrHostile(
  tiny: ModelPort,
  hostileText: string,
): { model: ModelPort; setHostile(on: boolean): void } {
  let hostile = false;
  return {
    setHostile: (on) => {
      hostile = on;
    },
    model: {
      id: "tiny-or-hostile",
      load: () => tiny.load(),
      dispose: () => tiny.dispose(),
      generate: async (r) =>
        hostile
          ? { text: hostileText, promptTokens: 1, completionTokens: 1, finishReason: "stop" }
          : tiny.generate(r),
    },
  };
}
