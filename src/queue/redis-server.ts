import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { CodedError, ErrorCode } from "../errors.js";

/** A redis-server child process, for `llava-bot start` without REDIS_URL and for tests. */
export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  dir: string;
  port?: number;
  /** AOF persistence so a restart loses no job (default true). */
  appendOnly?: boolean;
  /** The redis-server program (redis.serverBin); "redis-server" on PATH when not given. */
  binary?: string;
  /** Require this password (AUTH); the URL then carries it. */
  password?: string;
  /** Serve TLS only, on `port`: the URL is rediss://. Clients are not asked for certificates. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** More redis-server arguments, e.g. ["--sentinel"] or cluster settings. */
  extraArgs?: string[];
  /**
   * Run in a process group of its own, so a terminal's Ctrl-C (sent to the whole foreground
   * group) does not stop Redis under the work that is still finishing; stop() does, last.
   */
  ownProcessGroup?: boolean;
}

export function findRedisServer(binary = "redis-server"): string | undefined {
  const probe = spawnSync(binary, ["--version"], { stdio: "ignore" });
  return probe.error || probe.status !== 0 ? undefined : binary;
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ port, host: "127.0.0.1" }, () => {
        sock.end();
        resolve(true);
      });
      sock.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
}

export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  const binary = findRedisServer(options.binary);
  if (!binary) {
    const named =
      options.binary && options.binary !== "redis-server" ? ` at ${options.binary} (redis.serverBin)` : "";
    throw new CodedError(
      ErrorCode.RedisMissing,
      `No redis-server found${named}. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to an existing Redis.`,
    );
  }
  mkdirSync(options.dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const args = [
    ...(options.tls
      ? [
          "--port",
          "0",
          "--tls-port",
          String(port),
          "--tls-cert-file",
          options.tls.certFile,
          "--tls-key-file",
          options.tls.keyFile,
          "--tls-ca-cert-file",
          options.tls.caFile,
          "--tls-auth-clients",
          "no",
        ]
      : ["--port", String(port)]),
    "--bind",
    "127.0.0.1",
    "--dir",
    options.dir,
    "--save",
    "",
    "--appendonly",
    options.appendOnly === false ? "no" : "yes",
    "--appendfsync",
    "everysec",
    // BullMQ needs keys never evicted.
    "--maxmemory-policy",
    "noeviction",
    "--protected-mode",
    "yes",
    ...(options.password ? ["--requirepass", options.password] : []),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(binary, args, {
    stdio: ["ignore", "ignore", "pipe"],
    detached: options.ownProcessGroup === true,
  });
  // However this process ends (a second Ctrl-C, a shutdown deadline, a crash), Redis goes with it.
  const stopOnExit = () => child.kill("SIGTERM");
  process.on("exit", stopOnExit);
  child.once("exit", () => process.off("exit", stopOnExit));
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    await waitForPort(port, child, 10_000);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}${stderr ? `: ${stderr.trim()}` : ""}`);
  }
  const pid = child.pid ?? -1;
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  return {
    url: `${options.tls ? "rediss" : "redis"}://${auth}127.0.0.1:${port}`,
    port,
    pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
