import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Stryker } from "@stryker-mutator/core";

/**
 * `npm run test:mutation [module…]`: Stryker on the modules where a silent bug costs most, one
 * module at a time, each against only the tests that cover it (so a run fits two shared cores).
 * Incremental: a second run re-tests only mutants whose code or tests changed. Reports go under
 * reports/mutation/<module>/ (HTML and JSON), and a score per module to reports/mutation/summary.txt.
 */
interface Module {
  /** Source files mutated. */
  mutate: string[];
  /** Test files run against the mutants. */
  tests: string[];
}

const MODULES: Record<string, Module> = {
  "queue-limits": {
    mutate: ["src/queue/limits.ts"],
    tests: ["test/integration/queue/limits.test.ts", "test/integration/queue/admission.test.ts"],
  },
  "queue-delivery": {
    mutate: ["src/queue/delivery-worker.ts"],
    tests: ["test/integration/queue/delivery.test.ts", "test/integration/queue/limits.test.ts"],
  },
  "post-clicks": {
    mutate: ["src/bots/post-clicks.ts"],
    // Schedule…, Cancel, Reschedule and Publish now are clicks too; their tests run the real delayed jobs.
    tests: ["test/integration/queue/post-clicks.test.ts", "test/integration/publish/schedule.test.ts"],
  },
  "publish-once": {
    mutate: ["src/publish/once.ts"],
    tests: [
      "test/integration/publish/once.test.ts",
      "test/integration/publish/publish.test.ts",
      "test/integration/publish/bluesky-rules.test.ts",
    ],
  },
  "post-counting": {
    mutate: ["src/skills/post/count.ts", "src/skills/post/trim.ts", "src/skills/post/captions.ts"],
    tests: [
      "test/unit/post/count.test.ts",
      "test/unit/post/captions.test.ts",
      "test/unit/post/text.test.ts",
      "test/unit/post/rules.test.ts",
    ],
  },
  "edit-words": {
    mutate: ["src/skills/edit/parse.ts", "src/skills/edit/phrases.ts", "src/skills/edit/amounts.ts"],
    // The parsers only: edit.test.ts renders images, which every static mutant (the phrase tables) would run.
    tests: ["test/unit/skills/edit-parse.test.ts", "test/unit/skills/edit-words.test.ts"],
  },
  access: {
    mutate: ["src/bots/discord/access.ts", "src/bots/access.ts"],
    tests: ["test/unit/bots/access.test.ts"],
  },
};

const OUT = "reports/mutation";

type StrykerOptions = NonNullable<ConstructorParameters<typeof Stryker>[0]>;

/** Stryker's score: detected mutants over all that ran or had no test (compile errors left out). */
function score(statuses: string[]): { killed: number; survived: number; total: number; score: number } {
  const killed = statuses.filter((s) => s === "Killed" || s === "Timeout").length;
  const survived = statuses.filter((s) => s === "Survived" || s === "NoCoverage").length;
  const total = killed + survived;
  return { killed, survived, total, score: total ? (100 * killed) / total : 100 };
}

async function run(name: string, module: Module): Promise<void> {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  // vitest.mutation.config.ts reads the test files from here, in each of Stryker's workers.
  process.env.MUTATION_TESTS = module.tests.join(",");
  const options: StrykerOptions = {
    testRunner: "vitest",
    plugins: ["@stryker-mutator/vitest-runner"],
    vitest: { configFile: "vitest.mutation.config.ts" },
    coverageAnalysis: "perTest",
    mutate: module.mutate,
    concurrency: 2,
    incremental: true,
    incrementalFile: join(dir, "incremental.json"),
    reporters: ["clear-text", "html", "json"],
    htmlReporter: { fileName: join(dir, "index.html") },
    jsonReporter: { fileName: join(dir, "report.json") },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
    // Real Redis and sharp: a slow, shared machine needs more than Stryker's default margin.
    timeoutMS: 20_000,
    tempDirName: ".stryker-tmp",
    // Stryker rewrites the tsconfig's extends/references for its sandbox with the compiler API, which
    // typescript@7 does not ship; ours has neither, so it is pointed at a file that is not there.
    tsconfigFile: "no-tsconfig-rewrite.json",
    ignorePatterns: ["reports", "test-artifacts", ".state", "docs", "bench", "deploy"],
    // A static mutant (a module-level table, e.g. edit words' phrase list) is evaluated once, when
    // vitest imports the module, and the vitest runner does not import it again per mutant: such a
    // mutant is never active during the tests and always "survives" (edit-words' `grey: ""` did,
    // against a test that asserts the grey colour). They are reported as ignored, not counted.
    ignoreStatic: true,
    thresholds: { high: 80, low: 70, break: null },
  };
  const results = await new Stryker(options).runMutationTest();
  const s = score(results.map((r) => r.status));
  const line = `${name.padEnd(16)} ${s.score.toFixed(1).padStart(5)} %  (${s.killed} of ${s.total} mutants detected, ${s.survived} survived)  ${module.mutate.join(" ")}`;
  writeFileSync(join(dir, "score.txt"), `${line}\n`);
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in MODULES));
if (unknown.length) {
  console.error(`Unknown module ${unknown.join(", ")}; the modules are: ${Object.keys(MODULES).join(", ")}.`);
  process.exit(2);
}
for (const [name, module] of Object.entries(MODULES))
  if (!wanted.length || wanted.includes(name)) await run(name, module);
// The summary holds every module's latest score, so running one module updates its line only.
const lines = Object.keys(MODULES).map((name) => {
  const file = join(OUT, name, "score.txt");
  return existsSync(file) ? readFileSync(file, "utf8").trimEnd() : `${name.padEnd(16)}     not run yet`;
});
const summary = [
  "Mutation score per module (killed + timed out, over all mutants tested or uncovered):",
  ...lines,
].join("\n");
writeFileSync(join(OUT, "summary.txt"), `${summary}\n`);
console.log(`\n${summary}`);
