import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ackFirst } from "../../../src/bots/ack-first.js";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile } from "./harness.js";

/**
 * Issue 25's ack latency: an event's work (its placeholder, its download) waits until the other
 * events arriving with it have been acknowledged, so a burst's later events are not answered
 * late behind the earlier ones' megabytes. Here the test holds one event unacknowledged itself.
 */
let t: SlackUnderTest;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-ack-first"),
    files: { FGREEN: await colourPhoto("green"), FBLUE: await colourPhoto("blue") },
  });
}, 60_000);
afterAll(() => t?.close());

const inThread = (ts: string) => [...t.api.posted.values()].filter((m) => m.thread_ts === ts);
const answered = (ts: string, colour: string) => inThread(ts).some((m) => m.text === colour);
const touched = (file: string) =>
  t.api.fileHits.filter((h) => h.path === `/files/${file}`).length +
  t.api.calls.filter((c) => JSON.stringify(c.args).includes(file)).length;

describe("Slack: acknowledgements come before an event's work", () => {
  it("acknowledges a mention at once, and starts on it only when the event still unanswered is", async () => {
    const stillUnanswered = ackFirst.begin();
    const ts = "1700000990.000001";
    const sent = await t.send(
      mentionEvent("EvAckFirst1", "C1", ts, [slackFile(t.api.url, "FGREEN", "green.png")]),
    );
    expect(sent.status).toBe(200);
    // Well within the wait's 300 ms bound.
    await new Promise((r) => setTimeout(r, 150));
    // Nothing done about it yet: no file fetched, no Web API call naming it, no reply.
    expect(touched("FGREEN")).toBe(0);
    expect(inThread(ts)).toHaveLength(0);
    stillUnanswered();
    await waitFor(() => answered(ts, "green"), 30_000, "the answer");
    expect(t.api.fileHits.filter((h) => h.path === "/files/FGREEN")).toHaveLength(1);
  });

  it("does not wait past its bound for an event that stays unanswered", async () => {
    const stillUnanswered = ackFirst.begin(); // let go of by itself only after 3 s
    const ts = "1700000990.000002";
    await t.send(mentionEvent("EvAckFirst2", "C1", ts, [slackFile(t.api.url, "FBLUE", "blue.png")]));
    await waitFor(() => touched("FBLUE") > 0, 10_000, "work on the event");
    // Begun while the other event was still held: the bound, not that event's deadline, let it go.
    expect(ackFirst.pending()).toBeGreaterThan(0);
    stillUnanswered();
    await waitFor(() => answered(ts, "blue"), 30_000, "the answer");
  });
});
