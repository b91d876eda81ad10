import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const BIN = resolve("bin/llava-bot.js");

/** Runs the real `llava-bot` CLI in a child process. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `runCli` with the arguments spread, as most tests call it. */
export const cli = (...args: string[]) => runCli(args);
