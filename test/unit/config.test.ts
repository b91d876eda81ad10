import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ErrorCode } from "../../src/errors.js";

describe("config", () => {
  it("loads the defaults", () => {
    const { config, secrets } = loadConfig({ env: {} });
    expect(config.model.backend).toBe("transformers");
    expect(config.limits.maxImagesPerRequest).toBe(4);
    expect(secrets).toEqual({});
  });

  it("applies environment overrides with YAML scalars", () => {
    const { config } = loadConfig({
      env: {
        LLAVA_BOT__MODEL__ID: "/models/tiny",
        LLAVA_BOT__ENGINE__CONCURRENCY: "4",
        LLAVA_BOT__WEB__ENABLED: "false",
      },
    });
    expect(config.model.id).toBe("/models/tiny");
    expect(config.engine.concurrency).toBe(4);
    expect(config.web.enabled).toBe(false);
  });

  it("names the bad key and what is allowed", () => {
    let caught: unknown;
    try {
      loadConfig({ env: { LLAVA_BOT__MODEL__DEVICE: "tpu", LLAVA_BOT__ENGINE__CONCURRENCY: "0" } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: ErrorCode.ConfigInvalid });
    const message = (caught as Error).message;
    expect(message).toMatch(/model\.device: .*"cpu".*"cuda"/);
    expect(message).toMatch(/engine\.concurrency: .*1/);
  });

  it("rejects unknown keys rather than silently ignoring a typo", () => {
    expect(() => loadConfig({ env: { LLAVA_BOT__MODLE__ID: "x" } })).toThrow(/modle/);
  });

  it("keeps secrets out of the config object", () => {
    const { config, secrets } = loadConfig({ env: { DISCORD_TOKEN: "abc.def.ghi-secret" } });
    expect(secrets.discordToken).toBe("abc.def.ghi-secret");
    expect(JSON.stringify(config)).not.toContain("abc.def.ghi-secret");
  });
});
