// On Linux with glibc, a long-running llava-bot (start, engine and the adapters) runs with
// MALLOC_ARENA_MAX=2. glibc otherwise gives each thread that allocates its own heap arena (up to
// eight per core), and the large, short-lived buffers of image decoding, OCR and the model fragment
// them: bench:soak measured the bot's RSS growing by a third over ten minutes with the default and
// flat with two arenas. glibc reads the setting only when a process starts, so the launcher starts
// the command again with it, forwards signals and exits as it does. Setting MALLOC_ARENA_MAX
// yourself (the Docker image does) skips this.
import { spawn } from "node:child_process";

const LONG_RUNNING = new Set(["start", "engine", "discord", "slack", "web"]);

function glibc() {
  const header = process.report?.getReport?.()?.header;
  return Boolean(header?.glibcVersionRuntime);
}

/** Whether this process should run the command itself (false: a relaunched copy ran it). */
export async function relaunched() {
  const command = process.argv[2] ?? "";
  if (process.platform !== "linux" || process.env.MALLOC_ARENA_MAX !== undefined) return false;
  if (!LONG_RUNNING.has(command) || process.argv.includes("--help") || !glibc()) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...process.env, MALLOC_ARENA_MAX: "2", LLAVA_BOT_RELAUNCHED: "1" },
  });
  // Every stop signal goes on to the command; one from a terminal reaches it directly too, and it
  // takes a repeat within a moment as the same one (src/cli/shutdown.ts).
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  const [code, signal] = await new Promise((resolve) => child.once("exit", (c, s) => resolve([c, s])));
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exitCode = code ?? 1;
  return true;
}
