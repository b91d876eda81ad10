import { spawn, spawnSync } from "node:child_process";
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

/**
 * The CLI without blocking this process, so stand-in servers here keep answering it; `stdin` is
 * written to its standard input (otherwise it gets none).
 */
export function runCliAsync(
  args: string[],
  env: Record<string, string> = {},
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LLAVA_BOT_DEBUG: "", ...env },
      stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
    child.once("exit", (code) => done({ code, stdout, stderr }));
  });
}
