import { readFile } from "node:fs/promises";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { type LoadedConfig, loadConfig } from "../config/load.js";
import { CodedError, ErrorCode } from "../errors.js";
import { type LoadedImage, loadImage } from "../images/load.js";
import { setLogLevel } from "../log.js";
import { checkRedisTarget } from "../queue/connection.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export const COMMON_OPTIONS = {
  model: { type: "string" },
  config: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

/** parseArgs with one friendly line for unknown flags or missing values. */
export function parse<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new CodedError(ErrorCode.BadRequest, `${message}. Run with --help for the options.`);
  }
}

/** Configuration with CLI flags as the last layer; its ops.logLevel sets the logger's level. */
export function configFromFlags(values: {
  model?: string | undefined;
  config?: string | undefined;
}): LoadedConfig {
  const loaded = loadConfig({
    ...(values.config ? { file: values.config } : {}),
    ...(values.model ? { overrides: { model: { id: values.model } } } : {}),
  });
  setLogLevel(loaded.config.ops.logLevel);
  return loaded;
}

export async function readImage(path: string, config: LoadedConfig["config"]): Promise<LoadedImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a folder"
          : code === "EACCES"
            ? "permission denied"
            : code;
    throw new CodedError(ErrorCode.FileNotFound, `cannot read ${path}: ${why}`);
  }
  try {
    return await loadImage(bytes, {
      maxBytes: config.limits.maxImageBytes,
      maxPixels: config.limits.maxImagePixels,
      maxEdge: config.model.maxImageEdge,
    });
  } catch (err) {
    if (err instanceof CodedError) throw new CodedError(err.code, `${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

export function usage(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

/** --port as a number, with one clear line when it is not one. */
export function portFlag(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CodedError(ErrorCode.BadRequest, `--port must be a number from 0 to 65535, not "${value}".`);
  return port;
}

/**
 * REDIS_URL for commands that join an existing deployment, or one line on what to do instead;
 * also one line when it cannot be read or (Redis Cluster) the key prefix is not a {hash tag}.
 */
export function requireRedisUrl(secrets: { redisUrl?: string }, command: string, prefix: string): string {
  if (secrets.redisUrl) {
    checkRedisTarget(secrets.redisUrl, prefix);
    return secrets.redisUrl;
  }
  throw new CodedError(
    ErrorCode.RedisMissing,
    `\`llava-bot ${command}\` needs REDIS_URL (e.g. redis://127.0.0.1:6379). \`llava-bot start\` runs everything with its own Redis.`,
  );
}
