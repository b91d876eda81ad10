import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ackFirst } from "../../../src/bots/ack-first.js";
import { jobIdFor, jobKey } from "../../../src/queue/names.js";
import { colourPhoto } from "../../helpers/images.js";
import { newRedis, uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile } from "./harness.js";

/**
 * A stop (a deploy, a restart) while an acknowledged event is still being handled: Slack will not
 * send it again, so the adapter lets it finish before it closes Redis, and the request is queued
 * for the engine and any replica to answer, not lost.
 */
const prefix = uniquePrefix("slack-stop");
let t: SlackUnderTest;
const redis = newRedis();

beforeAll(async () => {
  t = await startSlackUnderTest({ prefix, files: { FRED: await colourPhoto("red") } });
}, 60_000);
afterAll(async () => {
  await t?.close();
  redis.disconnect();
});

describe("Slack: stopping with an event still being handled", () => {
  it("finishes the acknowledged mention before closing, so its request is queued", async () => {
    // Holds the event's work for a while (acknowledgements first), so the stop finds it running.
    const release = ackFirst.begin();
    const sent = await t.send(
      mentionEvent("EvStop1", "CSTOP", "1700000995.000001", [slackFile(t.api.url, "FRED", "red.png")]),
    );
    expect(sent.status).toBe(200);
    expect(await redis.exists(jobKey(prefix, "requests", jobIdFor("slack:EvStop1")))).toBe(0);
    await t.slack.close();
    release();
    expect(await redis.exists(jobKey(prefix, "requests", jobIdFor("slack:EvStop1")))).toBe(1);
    expect(t.api.fileHits.filter((h) => h.path === "/files/FRED")).toHaveLength(1);
    // Stopped: a later event finds nobody listening.
    await expect(t.send(mentionEvent("EvStop2", "CSTOP", "1700000995.000002", []))).rejects.toThrow();
  });
});
