import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";

it("start without REDIS_URL runs the redis-server that redis.serverBin names, and says when it is not there", () => {
  const state = mkdtempSync(join(tmpdir(), "llava-bot-state-"));
  const r = runCli(["start"], {
    REDIS_URL: "",
    LLAVA_BOT__REDIS__STATE_DIR: state,
    LLAVA_BOT__REDIS__SERVER_BIN: "/no/such/redis-server",
  });
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toEqual([
    "llava-bot: No redis-server found at /no/such/redis-server (redis.serverBin). Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to an existing Redis.",
  ]);
});

it("start with a REDIS_URL whose password has an unencoded @ and : fails without printing any of it", () => {
  const r = runCli(["start"], { REDIS_URL: "redis://:p@ss:w0rd@localhost:6379" });
  expect(r.code).not.toBe(0);
  const said = r.stdout + r.stderr;
  expect(said).toMatch(/^llava-bot: REDIS_URL has an @ in its user name or password; write it as %40/);
  for (const piece of ["p@ss", "ss:w0rd", "w0rd", "localhost"]) expect(said).not.toContain(piece);
});
