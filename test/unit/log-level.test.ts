import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configFromFlags } from "../../src/cli/args.js";
import { logger, setLogLevel } from "../../src/log.js";

describe("ops.logLevel drives the logger", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    setLogLevel("silent");
  });

  it("takes the configured level once a command reads its configuration", () => {
    vi.stubEnv("LOG_LEVEL", "");
    vi.stubEnv("LLAVA_BOT__OPS__LOG_LEVEL", "warn");
    configFromFlags({});
    expect(logger().level).toBe("warn");
    expect(logger().isLevelEnabled("info")).toBe(false);
  });

  it("takes LOG_LEVEL as ops.logLevel", () => {
    vi.stubEnv("LOG_LEVEL", "debug");
    configFromFlags({});
    expect(logger().level).toBe("debug");
  });

  it("takes ops.logLevel from a config file given with --config", () => {
    const file = join(mkdtempSync(join(tmpdir(), "log-level-")), "llava-bot.yaml");
    writeFileSync(file, "ops:\n  logLevel: error\n");
    vi.stubEnv("LOG_LEVEL", "");
    configFromFlags({ config: file });
    expect(logger().level).toBe("error");
  });
});
