import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * Every `npm run bench:*` in quick mode (BENCH_QUICK=1): it prints its table and then exits by
 * itself, with code 0. A server, connection, timer or child process left open keeps a bench
 * alive after its table; this test then sees it still running and fails.
 */

/** Per bench: its table's header and one row that holds a measurement. */
const TABLES: Record<string, RegExp[]> = {
  "bench:engine": [/^measure\s+median ms/m, /^llava-bot engine, one answer\s+\d/m],
  "bench:queue": [/^path\s+burst jobs\/s/m, /^llava-bot submit → engine → delivery\s+\d/m],
  "bench:ack": [/^adapter\s+ack p50 ms/m, /^Discord interaction → deferReply callback\s+\d/m],
  "bench:heic": [
    /^file\s+size\s+load ms/m,
    /^adapter\s+ack p50 ms/m,
    /^Discord interaction → deferReply callback\s+\d/m,
  ],
  "bench:engine-openai": [/^path\s+in flight\s+req\/s/m, /^llava-bot, 1 engines × concurrency \d+\s+\d/m],
  "bench:stream": [/^adapter\s+answers/m, /^Playground \(SSE\)\s+1\s+\d/m],
  "bench:soak": [/^minute\s+bot RSS MB/m, /^check\s+measured/m, /^every request answered exactly once\s+\d/m],
  "bench:calls": [
    /^backend\s+kind\s+model calls\s+vision passes/m,
    /^openai server\s+post\s+\d/m,
    /^goals:/m,
  ],
};
/** Far above a quick run; a bench still running then is stuck, not slow. */
const EXIT_WITHIN_MS = 150_000;

const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> })
  .scripts;
const benches = Object.keys(scripts).filter((name) => name.startsWith("bench:"));

function runQuick(script: string): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_QUICK: "1" };
    delete env.REDIS_URL; // each bench starts (and must stop) its own redis-server
    const child = spawn("npm", ["run", "--silent", script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const stuck = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not exit by itself within ${EXIT_WITHIN_MS} ms:\n${output}`));
    }, EXIT_WITHIN_MS);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(stuck);
      resolve({ code, signal, output });
    });
  });
}

describe("npm run bench:* in quick mode", () => {
  it("every bench script has its table listed here", () => {
    expect(benches.sort()).toEqual(Object.keys(TABLES).sort());
  });

  for (const script of benches) {
    it(
      `${script} prints its table and exits by itself with code 0`,
      async () => {
        const run = await runQuick(script);
        expect({ code: run.code, signal: run.signal }, run.output).toEqual({ code: 0, signal: null });
        for (const line of TABLES[script] ?? [/$^/]) expect(run.output).toMatch(line);
      },
      EXIT_WITHIN_MS + 10_000,
    );
  }
});
