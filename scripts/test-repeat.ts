/**
 * npm run test:repeat -- N [vitest filters…] — runs the whole suite N times (default 5) and lists
 * every test that failed in any run, with the runs it failed in. A test that fails once in five is
 * a flake to fix at its cause; this finds it. Exits non-zero when any run had a failure.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface JsonReport {
  numTotalTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

const [first, ...rest] = process.argv.slice(2);
const runs = first && /^\d+$/.test(first) ? Number(first) : 5;
const filters = first && /^\d+$/.test(first) ? rest : process.argv.slice(2);
if (runs < 1) throw new Error("test:repeat needs a number of runs of at least 1");

const dir = mkdtempSync(join(tmpdir(), "llava-bot-repeat-"));
/** "file › test" → the runs (1-based) it failed in, and its first failure's first line. */
const failed = new Map<string, { runs: number[]; why: string }>();
const summary: string[] = [];

function note(key: string, run: number, why: string): void {
  const seen = failed.get(key) ?? { runs: [], why: why.split("\n")[0]?.slice(0, 200) ?? "" };
  seen.runs.push(run);
  failed.set(key, seen);
}

try {
  for (let run = 1; run <= runs; run++) {
    const out = join(dir, `run-${run}.json`);
    const started = Date.now();
    const child = spawnSync(
      "npx",
      ["vitest", "run", "--reporter=dot", "--reporter=json", `--outputFile.json=${out}`, ...filters],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    let report: JsonReport | undefined;
    try {
      report = JSON.parse(readFileSync(out, "utf8")) as JsonReport;
    } catch {
      // No report: vitest itself failed (a crash, a setup error); that run counts as failed.
    }
    if (!report) {
      note(`(run ${run}: vitest exited ${child.status ?? child.signal} without a report)`, run, "");
      summary.push(`run ${run}: no report (exit ${child.status ?? child.signal}), ${seconds} s`);
      continue;
    }
    for (const file of report.testResults) {
      const name = file.name.replace(`${process.cwd()}/`, "");
      const tests = file.assertionResults.filter((t) => t.status === "failed");
      for (const t of tests) note(`${name} › ${t.fullName}`, run, t.failureMessages?.[0] ?? "");
      // A file that failed outside any test (a hook, an import) has no failed test to name.
      if (file.status === "failed" && tests.length === 0)
        note(`${name} (outside its tests)`, run, file.message ?? "");
    }
    summary.push(
      `run ${run}: ${report.numTotalTests - report.numFailedTests}/${report.numTotalTests} passed, ${seconds} s`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\ntest:repeat — ${runs} runs of the suite\n${summary.join("\n")}`);
if (failed.size === 0) {
  console.log("No test failed in any run.");
} else {
  console.log(`\n${failed.size} test(s) failed in at least one run:`);
  for (const [key, { runs: where, why }] of failed)
    console.log(`- ${key}\n  failed in run(s) ${where.join(", ")} of ${runs}: ${why}`);
  process.exitCode = 1;
}
