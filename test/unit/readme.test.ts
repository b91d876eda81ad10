import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const readme = readFileSync("README.md", "utf8");
const ci = readFileSync(".ci/run", "utf8");

/** Shell commands in a README code block that mention npm, in order. */
function npmCommands(text: string): string[] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return blocks
    .flatMap((b) => b.split("\n"))
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => /^npm /.test(l));
}

// The configuration table is checked with the schema and config/default.yaml in config.test.ts.
describe("README", () => {
  it("shows the two quick-start commands, and .ci/run uses exactly those", () => {
    const commands = npmCommands(readme);
    expect(commands.slice(0, 2)).toEqual(["npm ci && npm start", "npm test"]);
    const ciLines = ci.split("\n").map((l) => l.trim());
    expect(ciLines).toContain("npm ci");
    expect(ciLines).toContain("npm test");
    // .ci/run installs exactly as a new user does: no other install command sneaks in.
    expect(ciLines.filter((l) => /^npm (i|install|ci)\b/.test(l))).toEqual(["npm ci"]);
  });
});
