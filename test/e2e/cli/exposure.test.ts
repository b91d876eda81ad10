import { describe, expect, it } from "vitest";
import { runCliAsync } from "../../helpers/cli.js";
import { redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { baseEnv, start } from "../../helpers/start.js";

/**
 * Nothing listens beyond loopback without a password: `llava-bot web` and `start` told to serve the
 * playground on 0.0.0.0 with no WEB_PASSWORD stop before they start anything, with one line that
 * says how to go on.
 */
const LINE =
  "llava-bot: The playground would listen on 0.0.0.0 without a password: set WEB_PASSWORD (or web.public: true if a proxy asks for a login), or use web.host 127.0.0.1.\n";

const env = (extra: Record<string, string> = {}) => ({
  LLAVA_BOT__WEB__HOST: "0.0.0.0",
  LLAVA_BOT__REDIS__PREFIX: uniquePrefix("exposure"),
  LLAVA_BOT__OPS__METRICS_PORT: "null",
  WEB_PASSWORD: "",
  WEB_APPROVER_PASSWORD: "",
  ...extra,
});

describe("the playground on a non-loopback address", () => {
  it("`llava-bot web` without WEB_PASSWORD exits non-zero with the one line", async () => {
    const r = await runCliAsync(["web", "--port", "0"], env({ REDIS_URL: redisUrl() }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(LINE);
    expect(r.stdout).toBe("");
  });

  it("`llava-bot start` without WEB_PASSWORD exits non-zero with the one line, before starting Redis or the engine", async () => {
    const r = await runCliAsync(["start", "--port", "0"], env({ REDIS_URL: "" }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(LINE);
    expect(r.stdout).toBe("");
  });
});

describe("publishing configured with no approvers", () => {
  it("`llava-bot web` says in one start-up line that publishing is off there", async () => {
    const s = await start(
      baseEnv({
        REDIS_URL: redisUrl(),
        LLAVA_BOT__REDIS__PREFIX: uniquePrefix("no-approvers"),
        LLAVA_BOT__PUBLISH__MASTODON__INSTANCE_URL: "https://mastodon.example",
        MASTODON_ACCESS_TOKEN: "token-for-tests",
        WEB_APPROVER_PASSWORD: "",
      }),
      ["--port", "0"],
      "web",
    );
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    const lines = s
      .output()
      .split("\n")
      .filter((l) => l.includes("publishing to"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      "publishing to Mastodon is off on the playground: no approvers (set WEB_APPROVER_PASSWORD)",
    );
  }, 60_000);
});
