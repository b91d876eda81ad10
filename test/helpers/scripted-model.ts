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
