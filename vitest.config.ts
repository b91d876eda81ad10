import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    // A guard against hangs, not a speed check: CLI tests spawn several processes, slow on 2 busy cores.
    testTimeout: 120_000,
    // The code under test logs to stderr; tests assert on behaviour, not on log lines. The setup
    // file quiets each worker's logger; a spawned llava-bot reads LOG_LEVEL as ops.logLevel.
    setupFiles: ["test/helpers/quiet-log.ts"],
    // HF_HUB_OFFLINE: no test ever fetches weights, even on a connected host (a post's subject crop
    // would otherwise fetch the default background remover; without it, it falls back to attention).
    env: { LOG_LEVEL: "silent", HF_HUB_OFFLINE: "1" },
    hookTimeout: 120_000,
    // Two cores: model, OCR and browser tests are heavy; keep parallel files few.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
