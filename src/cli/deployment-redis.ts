import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config/schema.js";
import { CodedError, ErrorCode } from "../errors.js";
import { checkRedisTarget } from "../queue/connection.js";

/**
 * Which Redis a terminal command joins: REDIS_URL, or the private redis-server of a `llava-bot
 * start` running from the same folder, which notes its URL beside its data while it runs.
 */

function noteFile(config: Config): string {
  return resolve(join(config.redis.stateDir, "redis", "url"));
}

/** Written by `start` once its private Redis is up; the returned function removes it again. */
export function noteRunningRedis(config: Config, url: string): () => void {
  const file = noteFile(config);
  writeFileSync(file, `${url}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

export function deploymentRedisUrl(config: Config, secrets: { redisUrl?: string }, command: string): string {
  let url = secrets.redisUrl;
  if (!url) {
    try {
      url = readFileSync(noteFile(config), "utf8").trim();
    } catch {
      throw new CodedError(
        ErrorCode.RedisMissing,
        `\`llava-bot ${command}\` needs the bot's Redis: set REDIS_URL, or run it beside a running \`llava-bot start\` (npm start).`,
      );
    }
  }
  checkRedisTarget(url, config.redis.prefix);
  return url;
}
