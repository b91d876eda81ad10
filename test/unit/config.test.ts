import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { DEFAULT_CONFIG_FILE, loadConfig } from "../../src/config/load.js";
import { configReferenceMarkdown } from "../../src/config/reference.js";
import { configKeys, configSchema } from "../../src/config/schema.js";
import { ErrorCode } from "../../src/errors.js";

const isTree = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Each value `written` sets that is not the schema's default, as "key: value here, default there". */
function contradictions(written: unknown, defaults: unknown, path: string[] = []): string[] {
  if (isTree(written))
    return Object.entries(written).flatMap(([k, v]) =>
      contradictions(v, isTree(defaults) ? defaults[k] : undefined, [...path, k]),
    );
  if (isDeepStrictEqual(written, defaults)) return [];
  return [`${path.join(".")}: ${JSON.stringify(written)} here, ${JSON.stringify(defaults)} in the schema`];
}

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

  it("says each default once: config/default.yaml and the README's table repeat the schema's", () => {
    const defaults = configKeys.parse({});
    const written = parseYaml(readFileSync(DEFAULT_CONFIG_FILE, "utf8"));
    expect(contradictions(written, defaults)).toEqual([]);
    // So the file changes nothing: what loads is what the schema alone gives.
    expect(loadConfig({ env: {} }).config).toEqual(configSchema.parse({}));
    expect(readFileSync("README.md", "utf8")).toContain(configReferenceMarkdown());
    expect(configReferenceMarkdown()).toContain('| `engine.concurrency` | `"auto"` |');
  });

  it("finds a value that differs from the schema's, or a key the schema has no default for", () => {
    const written = { engine: { concurrency: 1, attempts: 3 }, imagegen: { url: "http://x" } };
    expect(contradictions(written, configKeys.parse({}))).toEqual([
      'engine.concurrency: 1 here, "auto" in the schema',
      'imagegen.url: "http://x" here, undefined in the schema',
    ]);
  });

  it("reads LOG_LEVEL as ops.logLevel, with LLAVA_BOT__OPS__LOG_LEVEL over it", () => {
    expect(loadConfig({ env: {} }).config.ops.logLevel).toBe("info");
    expect(loadConfig({ env: { LOG_LEVEL: "silent" } }).config.ops.logLevel).toBe("silent");
    const both = { LOG_LEVEL: "silent", LLAVA_BOT__OPS__LOG_LEVEL: "debug" };
    expect(loadConfig({ env: both }).config.ops.logLevel).toBe("debug");
    expect(() => loadConfig({ env: { LOG_LEVEL: "loud" } })).toThrow(/ops\.logLevel/);
  });

  it("keeps secrets out of the config object", () => {
    const { config, secrets } = loadConfig({ env: { DISCORD_TOKEN: "abc.def.ghi-secret" } });
    expect(secrets.discordToken).toBe("abc.def.ghi-secret");
    expect(JSON.stringify(config)).not.toContain("abc.def.ghi-secret");
  });
});
