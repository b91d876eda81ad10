import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import type { Config } from "../../src/config/schema.js";
import type { ReplicaSpec } from "./replica-main.js";

interface Replica {
  child: ChildProcess;
  /** Slack's HTTP port (0 for Discord). */
  port: number;
  /** What it printed, stdout and stderr together. */
  output(): string;
  /** Kills it at once, as a crash or an OOM killer would, and waits for it to be gone. */
  kill9(): Promise<void>;
  /** Asks it to stop (SIGTERM) and waits, unless it is gone already. */
  stop(): Promise<void>;
}

/**
 * Starts one adapter replica as a child process (replica-main.ts) and resolves once it says it
 * is ready; rejects with its output if it exits first or takes longer than `timeoutMs`.
 */
export async function spawnReplica(
  o: Omit<ReplicaSpec, "config"> & { config: Config; timeoutMs?: number },
): Promise<Replica> {
  const { timeoutMs = 60_000, ...spec } = o;
  const child = spawn(process.execPath, ["--import", "tsx", resolve("test/helpers/replica-main.ts")], {
    env: { ...process.env, LLAVA_REPLICA: JSON.stringify(spec) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`replica did not come up:\n${out}`)), timeoutMs);
    child.stdout?.on("data", () => {
      const m = /^ready (\d+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      res(Number(m[1]));
    });
    void exited.then(() => {
      clearTimeout(timer);
      rej(new Error(`replica exited with ${child.exitCode ?? child.signalCode}:\n${out}`));
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    port,
    output: () => out,
    async kill9() {
      if (gone()) return;
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
