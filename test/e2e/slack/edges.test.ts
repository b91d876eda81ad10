import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile } from "./harness.js";

/** What people do in their first week on Slack that the happy path does not cover (issue 28). */
let t: SlackUnderTest;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-edges"),
    files: { FBLUE: await colourPhoto("blue"), FRED: await colourPhoto("red") },
  });
}, 60_000);
afterAll(() => t?.close());

/** The bot's messages in a thread as they read now (placeholders that became answers included). */
const threaded = (channel: string, thread: string) =>
  [...t.api.posted.values()].filter((m) => m.channel === channel && m.thread_ts === thread);

describe("Slack edges", () => {
  it("an edited mention is not answered again: Slack sends it as a new event with `edited`", async () => {
    const ts = "1700000101.000100";
    const original = mentionEvent("EvEditA", "CE1", ts, [slackFile(t.api.url, "FBLUE", "blue.png")]);
    await t.send(original);
    await waitFor(() => threaded("CE1", ts).some((m) => m.text === "blue"), 20_000, "the answer");
    // The person fixes a typo: Slack delivers app_mention again, same message ts, new event id.
    const edited = mentionEvent(
      "EvEditB",
      "CE1",
      ts,
      [slackFile(t.api.url, "FBLUE", "blue.png")],
      "<@UBOT> what colour is this photo?",
    );
    (edited.event as Record<string, unknown>).edited = { user: "U1", ts: "1700000102.000000" };
    expect((await t.send(edited)).status).toBe(200);
    // A later mention in another channel is answered: by then the edit has been handled too.
    const later = "1700000103.000100";
    await t.send(mentionEvent("EvEditC", "CE2", later, [slackFile(t.api.url, "FRED", "red.png")]));
    await waitFor(() => threaded("CE2", later).some((m) => m.text === "red"), 20_000, "the later answer");
    await new Promise((r) => setTimeout(r, 1000));
    expect(threaded("CE1", ts).map((m) => m.text)).toEqual(["blue"]);
    expect(t.api.called("chat.postMessage").filter((c) => c.args.channel === "CE1")).toHaveLength(1);
  });
});
