import type { GenerateRequest, GenerateResult, ModelPort } from "../../src/core/model-port.js";

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
): { model: ModelPort; setHostile(on: boolean): void; setOverride(port: ModelPort | undefined): void } {
  let hostile = false;
  let override: ModelPort | undefined;
  return {
    setHostile: (on) => {
      hostile = on;
    },
    setOverride: (port) => {
      override = port;
    },
    model: {
      id: "tiny-or-hostile",
      load: () => tiny.load(),
      dispose: () => tiny.dispose(),
      generate: async (r) =>
        override
          ? override.generate(r)
          : hostile
            ? { text: hostileText, promptTokens: 1, completionTokens: 1, finishReason: "stop" }
            : tiny.generate(r),
    },
  };
}

/**
 * A model that writes `words` one at a time, `everyMs` apart, through onToken, as a real backend
 * streams; it stops early when the request's signal aborts and records that it saw the abort.
 */
export function pacedModel(words: string[], everyMs: number): ModelPort & { aborts: number } {
  const port = {
    id: "paced",
    aborts: 0,
    async load() {},
    async dispose() {},
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      let text = "";
      for (const [i, word] of words.entries()) {
        if (request.signal?.aborted) {
          port.aborts++;
          return { text, promptTokens: 10, completionTokens: i, finishReason: "abort" };
        }
        const piece = `${i === 0 ? "" : " "}${word}`;
        text += piece;
        request.onToken?.(piece);
        await new Promise((r) => setTimeout(r, everyMs));
      }
      return { text, promptTokens: 10, completionTokens: words.length, finishReason: "stop" };
    },
  };
  return port;
}
