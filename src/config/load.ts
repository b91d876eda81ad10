import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { CodedError, ErrorCode } from "../errors.js";
import { type Config, configSchema } from "./schema.js";
import { loadSecrets, type Secrets } from "./secrets.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_CONFIG_FILE = join(ROOT, "config/default.yaml");

/** Environment overrides: LLAVA_BOT__MODEL__ID=... sets model.id; values are parsed as YAML scalars. */
const ENV_PREFIX = "LLAVA_BOT__";

export interface LoadOptions {
  /** An extra YAML file layered over the defaults (also LLAVA_BOT_CONFIG). */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Last layer, from CLI flags. */
  overrides?: Record<string, unknown>;
}

export interface LoadedConfig {
  config: Config;
  secrets: Secrets;
}

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isTree(prev) && isTree(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function readYaml(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new CodedError(ErrorCode.ConfigInvalid, `Cannot read config file ${file}.`, { cause });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (cause) {
    throw new CodedError(
      ErrorCode.ConfigInvalid,
      `Config file ${file} is not valid YAML: ${(cause as Error).message}`,
    );
  }
  if (data == null) return {};
  if (!isTree(data))
    throw new CodedError(ErrorCode.ConfigInvalid, `Config file ${file} must hold a mapping.`);
  return data;
}

function camel(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function envTree(env: NodeJS.ProcessEnv): Tree {
  const out: Tree = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).split("__").map(camel);
    let node = out;
    for (const seg of path.slice(0, -1)) {
      const next = node[seg];
      if (isTree(next)) {
        node = next;
      } else {
        const fresh: Tree = {};
        node[seg] = fresh;
        node = fresh;
      }
    }
    const leaf = path.at(-1);
    if (leaf) node[leaf] = parseYaml(raw);
  }
  return out;
}

/** One line per problem, naming the key and what is allowed. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join(".") || "(root)";
      return `  ${key}: ${issue.message}`;
    })
    .join("\n");
}

export function parseConfig(data: unknown, source = "configuration"): Config {
  const result = configSchema.safeParse(data);
  if (!result.success) {
    throw new CodedError(ErrorCode.ConfigInvalid, `Invalid ${source}:\n${describeIssues(result.error)}`);
  }
  return result.data;
}

/** Reads and validates configuration once; throws CodedError(ConfigInvalid) naming every bad key. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  let data = readYaml(DEFAULT_CONFIG_FILE);
  const file = options.file ?? env.LLAVA_BOT_CONFIG;
  if (file) {
    if (!existsSync(file))
      throw new CodedError(ErrorCode.ConfigInvalid, `Config file ${file} does not exist.`);
    data = deepMerge(data, readYaml(file));
  }
  // LOG_LEVEL, the name most tools read, is ops.logLevel; LLAVA_BOT__OPS__LOG_LEVEL wins over it.
  if (env.LOG_LEVEL) data = deepMerge(data, { ops: { logLevel: env.LOG_LEVEL } });
  data = deepMerge(data, envTree(env));
  if (options.overrides) data = deepMerge(data, options.overrides);
  return { config: parseConfig(data), secrets: loadSecrets(env) };
}
