import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ackFirst } from "../../../src/bots/ack-first.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { describePhoto } from "./payloads.js";

/**
 * Issue 25's ack latency on Discord: a slash command is acknowledged at once, but its photo is
 * downloaded only once the other interactions arriving with it have been acknowledged (here one
 * the test holds unacknowledged itself), so their deferrals are not sent late behind megabytes.
 */
const CHANNEL = "430000000000000001";
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({ prefix: uniquePrefix("discord-ack-first"), channels: [CHANNEL] });
}, 60_000);
afterAll(() => t?.close());

const content = (r: { json?: Record<string, unknown> }) => String(r.json?.content ?? "");

describe("Discord: acknowledgements come before a command's download", () => {
  it("defers at once, and fetches the photo only when the interaction still unanswered is", async () => {
    const id = "930000000000000001";
    const stillUnanswered = ackFirst.begin();
    t.stand.dispatch(
      "INTERACTION_CREATE",
      await describePhoto(t.stand, { id, channel: CHANNEL, colour: "green" }),
    );
    const deferred = () => t.stand.arrivals.some((a) => a.startsWith(`POST /interactions/${id}/`));
    await waitFor(deferred, 10_000, "the deferral");
    // Well within the wait's 300 ms bound.
    await new Promise((r) => setTimeout(r, 150));
    expect(t.stand.arrivals.filter((a) => a.startsWith("GET /cdn/"))).toEqual([]);
    stillUnanswered();
    await waitFor(() => t.webhookEdits(id).some((r) => content(r) === "green"), 30_000, "the answer");
    const order = t.stand.arrivals;
    const cdn = "GET /cdn/attachments/730000000000000001/green.png";
    expect(order.filter((a) => a === cdn)).toHaveLength(1);
    expect(order.findIndex((a) => a.startsWith(`POST /interactions/${id}/`))).toBeLessThan(
      order.indexOf(cdn),
    );
  });
});
