import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseWhen } from "../../../src/publish/when.js";
import { isoInZone } from "../../../src/publish/zone.js";
import { createSchedule } from "../../../src/queue/schedule.js";
import { runCliAsync } from "../../helpers/cli.js";
import { FIXTURES } from "../../helpers/images.js";
import { startPublishingEngine } from "../../helpers/post-engine.js";
import { testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { MASTODON_TEST_TOKEN as TOKEN } from "../../helpers/secrets.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";
import { fakeMastodon } from "../../integration/publish/fake-services.js";

/**
 * `llava-bot post --publish … --at …` and `llava-bot scheduled` as a person runs them: the time
 * printed in ISO 8601 with its offset and in words, the post waiting on the bot's queue until an
 * engine publishes it, a dry run that needs nothing, and one-line refusals.
 */

let model: string;
const prefix = uniquePrefix("schedule-cli");
const redis = newRedis();
beforeAll(async () => {
  model = await tinyModelDir();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const photo = join(FIXTURES, "frisbee.jpg");
const ZONE = "America/New_York";

function cli(args: string[], env: Record<string, string> = {}) {
  return runCliAsync(args, {
    REDIS_URL: "",
    LLAVA_BOT__MODEL__ID: model,
    LLAVA_BOT__REDIS__STATE_DIR: mkdtempSync(join(tmpdir(), "schedule-cli-")),
    ...env,
  });
}

/** `post <photo> --publish mastodon --pick 1 --at <when>`, then `rest`. */
const postAt = (when: string, rest: string[] = [], file = photo) => [
  "post",
  file,
  "--publish",
  "mastodon",
  "--pick",
  "1",
  "--at",
  when,
  ...rest,
];

describe("llava-bot post --at", () => {
  it("--dry-run prints the time in ISO 8601 and in words, and the caption, with no account and no Redis", async () => {
    const expected = parseWhen("tomorrow 9am", { zone: ZONE, maxAheadDays: 60 });
    const r = await cli(postAt("tomorrow 9am", ["--tz", ZONE, "--dry-run"]));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const iso = expected.ok ? isoInZone(ZONE, expected.at) : "";
    expect(iso).toMatch(/T09:00:00-0[45]:00$/);
    const [head, ...rest] = r.stdout.split("\n");
    expect(head).toMatch(
      new RegExp(
        `^Would schedule caption 1 to Mastodon for ${iso}, \\w+day \\d+ \\w+ \\d{4} 09:00 \\(America/New_York\\):$`,
      ),
    );
    // Then only the caption: not the other captions, no files written.
    const caption = rest.join("\n").trim();
    expect(rest[0]).toBe("");
    expect(caption.length).toBeGreaterThan(3);
    expect(r.stdout).not.toMatch(/Mastodon post,|wrote /);
  }, 120_000);

  it("schedules on the bot's queue; scheduled lists it; twice is one job; an engine publishes it; cancel removes one", async () => {
    const m = await fakeMastodon({ token: TOKEN });
    cleanups.push(m.close);
    const env = {
      REDIS_URL: redisUrl(),
      LLAVA_BOT__REDIS__PREFIX: prefix,
      LLAVA_BOT__PUBLISH__MASTODON__INSTANCE_URL: m.url,
    };
    const args = postAt("tomorrow 9am", ["--tz", ZONE]);
    const r = await cli(args, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const line =
      /\nScheduled caption 1 to Mastodon for (\S+), (.+)\.\nid (\S+) \(llava-bot scheduled cancel \3\)\n$/.exec(
        r.stdout,
      );
    expect(line, r.stdout).not.toBeNull();
    const [, iso, words, id] = line ?? [];
    expect(iso).toMatch(/T09:00:00-0[45]:00$/);
    expect(words).toMatch(/^\w+day \d+ \w+ \d{4} 09:00 \(America\/New_York\)$/);

    const again = await cli(args, env);
    expect(again.stdout).toContain(`Already scheduled caption 1 to Mastodon for ${iso}`);
    const listed = await cli(["scheduled", "--tz", ZONE], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split("\n").filter((l) => l === id)).toHaveLength(1);
    expect(listed.stdout).toContain(`  ${iso}, ${words}\n  mastodon · from cli`);

    // Moved to a second from now (as /scheduled's Reschedule would), an engine publishes it once.
    const config = testConfig({ redis: { prefix }, publish: { mastodon: { instanceUrl: m.url } } });
    const schedule = createSchedule({ redisUrl: redisUrl(), prefix, config });
    cleanups.push(() => schedule.close());
    cleanups.push(await startPublishingEngine({ config }));
    expect(await schedule.reschedule(id ?? "", Date.now() + 1000)).toBe("done");
    await waitFor(() => m.statuses.length === 1, 20_000, "the scheduled post");
    expect(m.media[0]?.description?.length).toBeGreaterThan(3);
    expect((await cli(["scheduled"], env)).stdout).toBe("Nothing is scheduled.\n");

    // Another one, cancelled from the terminal.
    const other = await cli(postAt("next friday 17:30", [], join(FIXTURES, "waterview.jpg")), env);
    const otherId = /\nid (\S+) /.exec(other.stdout)?.[1] ?? "";
    expect(otherId).toMatch(/^cli:[0-9a-f]{32}:approve:0$/);
    const cancelled = await cli(["scheduled", "cancel", otherId], env);
    expect(cancelled.stdout).toBe("Cancelled: nothing will be published. The post can be approved again.\n");
    expect((await cli(["scheduled"], env)).stdout).toBe("Nothing is scheduled.\n");
    const gone = await cli(["scheduled", "cancel", otherId], env);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr.trim()).toMatch(/That post is not scheduled any more \(published or cancelled\)\.$/);
    expect(m.statuses).toHaveLength(1);
  }, 180_000);

  it("refuses a past time, an unknown zone, and a missing queue in one line each, before the model runs", async () => {
    const past = await cli(postAt("yesterday 9am", ["--dry-run"]));
    expect(past.code).not.toBe(0);
    expect(past.stderr.trim().split("\n")).toHaveLength(1);
    expect(past.stderr).toMatch(/has already passed; pick a time in the future\./);
    const zone = await cli(postAt("tomorrow 9am", ["--tz", "Mars/Base"]));
    expect(zone.stderr).toMatch(/--tz "Mars\/Base" is not a time zone I know/);
    const noRedis = await cli(postAt("tomorrow 9am"), {
      LLAVA_BOT__PUBLISH__MASTODON__INSTANCE_URL: "https://example.social",
    });
    expect(noRedis.code).not.toBe(0);
    expect(noRedis.stderr).toMatch(
      /needs the bot's Redis: set REDIS_URL, or run it beside a running `llava-bot start`/,
    );
    expect(noRedis.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
