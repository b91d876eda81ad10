import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile } from "./harness.js";

/**
 * Issue 28, item 13 on Slack: the 👀 on a question gives way to ✅ when it is answered and to ⚠️
 * when it could not be, and an answer that came late pings the asker once in the thread.
 */
let t: SlackUnderTest;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-feedback"),
    files: { FBLUE: await colourPhoto("blue"), FBAD: Buffer.from("this is not an image at all") },
    config: { conversation: { notifyAfterS: 7 } },
  });
}, 60_000);
afterAll(() => t?.close());

const reactionsOn = (channel: string, ts: string) => [...(t.api.reactions.get(`${channel}:${ts}`) ?? [])];
const threaded = (channel: string, thread: string) =>
  [...t.api.posted.values()].filter((m) => m.channel === channel && m.thread_ts === thread);

describe("Slack: how a question shows it ended", () => {
  it("👀 becomes ✅ once the answer is in the thread", async () => {
    const ts = "1700000501.000100";
    await t.send(mentionEvent("EvFb1", "CFB1", ts, [slackFile(t.api.url, "FBLUE", "blue.png")]));
    await waitFor(() => reactionsOn("CFB1", ts).includes("white_check_mark"), 20_000, "the ✅");
    expect(threaded("CFB1", ts).map((m) => m.text)).toEqual(["blue"]);
    expect(reactionsOn("CFB1", ts)).toEqual(["white_check_mark"]);
    // 👀 was on it while it was worked on, and taken off at the end.
    expect(t.api.called("reactions.add").map((c) => c.args.name)).toContain("eyes");
    expect(
      t.api.called("reactions.remove").filter((c) => c.args.timestamp === ts && !c.refused),
    ).toHaveLength(1);
  });

  it("a question that cannot be answered gets ⚠️, and the reason", async () => {
    const ts = "1700000502.000100";
    await t.send(mentionEvent("EvFb2", "CFB2", ts, [slackFile(t.api.url, "FBAD", "photo.png")]));
    await waitFor(() => reactionsOn("CFB2", ts).includes("warning"), 20_000, "the ⚠️");
    expect(reactionsOn("CFB2", ts)).toEqual(["warning"]);
    await waitFor(
      () =>
        t.api
          .called("chat.postMessage")
          .some((c) => c.args.channel === "CFB2" && /⚠️/.test(String(c.args.text))),
      10_000,
      "the reason",
    );
  });
});

describe("Slack: a late answer", () => {
  it("pings the asker once, in the thread, naming nobody else", async () => {
    const paced = Array.from({ length: 10 }, (_, i) => `w${i + 1}`);
    // Ten words 800 ms apart: the answer is past conversation.notifyAfterS (7 s here).
    t.setOverride(pacedModel(paced, 800));
    try {
      const ts = "1700000503.000100";
      await t.send(
        mentionEvent("EvFb3", "CFB3", ts, [slackFile(t.api.url, "FBLUE", "blue.png")], undefined, {
          user: "ULATE",
        }),
      );
      await waitFor(
        () => threaded("CFB3", ts).some((m) => m.text === "<@ULATE> your answer is ready."),
        30_000,
        "the ping",
      );
      const texts = threaded("CFB3", ts).map((m) => m.text);
      expect(texts).toEqual([paced.join(" "), "<@ULATE> your answer is ready."]);
    } finally {
      t.setOverride(undefined);
    }
  }, 60_000);
});
