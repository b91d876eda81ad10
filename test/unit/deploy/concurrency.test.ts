import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";

describe("engine.concurrency", () => {
  it("is 1 with the in-process transformers backend", () => {
    expect(loadConfig({ env: {} }).config.engine.concurrency).toBe(1);
  });

  it("is 16 with an OpenAI-compatible server, which batches", () => {
    const { config } = loadConfig({ env: { LLAVA_BOT__MODEL__BACKEND: "openai" } });
    expect(config.engine.concurrency).toBe(16);
  });

  it("takes a number or auto from the user either way", () => {
    const env = { LLAVA_BOT__MODEL__BACKEND: "openai", LLAVA_BOT__ENGINE__CONCURRENCY: "48" };
    expect(loadConfig({ env }).config.engine.concurrency).toBe(48);
    const auto = { LLAVA_BOT__ENGINE__CONCURRENCY: "auto", LLAVA_BOT__MODEL__BACKEND: "openai" };
    expect(loadConfig({ env: auto }).config.engine.concurrency).toBe(16);
    expect(() => loadConfig({ env: { LLAVA_BOT__ENGINE__CONCURRENCY: "0" } })).toThrow(
      /engine\.concurrency: .*1/,
    );
    expect(() => loadConfig({ env: { LLAVA_BOT__ENGINE__CONCURRENCY: "many" } })).toThrow(
      /engine\.concurrency: expected a number from 1 to 64, or "auto"/,
    );
  });
});
