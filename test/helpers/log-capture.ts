import { afterAll, expect } from "vitest";
import { setLogDestination, setLogLevel } from "../../src/log.js";
import { TEST_SECRETS } from "./secrets.js";

/**
 * Each test worker's in-process log, collected instead of printed (tests assert on behaviour, not
 * on log lines), at every level, so that everything the code under test logs can be checked.
 */
const lines: string[] = [];
/** What child processes the tests started (`llava-bot start`) wrote, scanned with the rest. */
const children: (() => string)[] = [];

/** Adds a child process's output to this file's log scan. */
export function scanChildOutput(output: () => string): void {
  children.push(output);
}

export function collectLog(): void {
  setLogDestination({ write: (line: string) => void lines.push(line) });
  setLogLevel("trace");
}

/** How many lines were logged so far: a mark for loggedSince. */
export const logMark = (): number => lines.length;

/** The lines logged after `mark`, parsed. */
export function loggedSince(mark: number): Record<string, unknown>[] {
  return lines.slice(mark).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The secrets of test/helpers/secrets.ts that appear anywhere in the log. */
function secretsInLog(text = lines.join("")): string[] {
  return TEST_SECRETS.filter((s) => (typeof s === "string" ? text.includes(s) : s.test(text))).map(String);
}

/** After each test file: no secret or token it used was ever logged, at any level. */
export function scanLogAfterAll(): void {
  afterAll(() => {
    const all = [...lines, ...children.map((c) => c())];
    const found = secretsInLog(all.join(""));
    const sample = found.length ? all.find((l) => secretsInLog(l).length) : undefined;
    lines.length = 0;
    children.length = 0;
    expect(found, `a secret reached the log: ${sample?.slice(0, 600)}`).toEqual([]);
  });
}
