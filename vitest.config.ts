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
    env: { LOG_LEVEL: "silent" },
    hookTimeout: 120_000,
    // Two cores: model, OCR and browser tests are heavy; keep parallel files few.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
