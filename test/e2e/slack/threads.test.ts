import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateRequest, GenerateResult, ModelPort } from "../../../src/core/model-port.js";
import { deliveredKey } from "../../../src/queue/names.js";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { newRedis, uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile } from "./harness.js";

/**
 * Issue 28, item 11: in a thread the bot answers in, a reply is answered without a new mention
 * (as ChatGPT-in-Slack does); a newer reply while an answer is being written replaces it in the
 * same message instead of queueing a second answer; threads the bot never took part in are left
 * alone.
 */
let t: SlackUnderTest;
let prefix: string;
const redis = newRedis();

beforeAll(async () => {
  prefix = uniquePrefix("slack-threads");
  t = await startSlackUnderTest({
    prefix,
    files: { FRED: await colourPhoto("red"), FBLUE: await colourPhoto("blue") },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  redis.disconnect();
});

/** A thread reply as Slack sends it on message.channels: no mention, only thread_ts. */
function threadReply(eventId: string, channel: string, ts: string, thread: string, text: string) {
  return {
    type: "event_callback",
    team_id: "T1",
    api_app_id: "A1",
    event_id: eventId,
    event_time: 1,
    event: { type: "message", user: "U1", text, ts, thread_ts: thread, channel, channel_type: "channel" },
  };
}

const botIn = (channel: string, thread: string) =>
  [...t.api.posted.values()].filter((m) => m.channel === channel && m.thread_ts === thread);

describe("Slack threads", () => {
  it("a reply in the bot's thread is answered without a mention, about the thread's photo", async () => {
    const root = "1700000601.000100";
    await t.send(mentionEvent("EvTh1", "CT1", root, [slackFile(t.api.url, "FRED", "red.png")]));
    await waitFor(() => botIn("CT1", root).some((m) => m.text === "red"), 20_000, "the first answer");
    const answer = [...botIn("CT1", root)][0];
    const reply = "1700000601.000300";
    t.api.replies.set(root, [
      {
        ts: root,
        user: "U1",
        text: "<@UBOT> what colour is this?",
        files: [slackFile(t.api.url, "FRED", "red.png")],
      },
      { ts: String(answer?.ts), bot_id: "BBOT", user: "UBOT", thread_ts: root, text: "red" },
      { ts: reply, user: "U1", thread_ts: root, text: "and what colour was it again?" },
    ]);
    await t.send(threadReply("EvTh2", "CT1", reply, root, "and what colour was it again?"));
    await waitFor(
      () => botIn("CT1", root).filter((m) => m.text === "red").length === 2,
      20_000,
      "the follow-up",
    );
    expect(botIn("CT1", root).map((m) => m.text)).toEqual(["red", "red"]);
  });

  it("a reply in a thread the bot never took part in gets nothing", async () => {
    const root = "1700000701.000100";
    await t.send(threadReply("EvTh3", "CT2", "1700000701.000200", root, "what do you all think?"));
    // A later mention elsewhere is answered: by then the thread reply has been handled too.
    const later = "1700000702.000100";
    await t.send(mentionEvent("EvTh4", "CT2B", later, [slackFile(t.api.url, "FBLUE", "blue.png")]));
    await waitFor(() => botIn("CT2B", later).some((m) => m.text === "blue"), 20_000, "the later answer");
    expect(t.api.calls.filter((c) => c.args.channel === "CT2")).toEqual([]);
  });

  it("a newer reply while the answer is written replaces it in the same message", async () => {
    const model = byQuestion();
    t.setOverride(model);
    try {
      const root = "1700000801.000100";
      await t.send(
        mentionEvent(
          "EvTh5",
          "CT3",
          root,
          [slackFile(t.api.url, "FBLUE", "blue.png")],
          "<@UBOT> tell me a lot",
        ),
      );
      await waitFor(
        () => botIn("CT3", root).some((m) => String(m.text).startsWith("f1")),
        20_000,
        "the first words",
      );
      const placeholder = botIn("CT3", root)[0]?.ts;
      // The thread as Slack lists it now: the photo, the answer being written, the newer reply.
      t.api.replies.set(root, [
        {
          ts: root,
          user: "U1",
          text: "<@UBOT> tell me a lot",
          files: [slackFile(t.api.url, "FBLUE", "blue.png")],
        },
        { ts: String(placeholder), bot_id: "BBOT", user: "UBOT", thread_ts: root, text: "f1 f2" },
        { ts: "1700000801.000300", user: "U1", thread_ts: root, text: "no wait, SECOND question" },
      ]);
      await t.send(threadReply("EvTh6", "CT3", "1700000801.000300", root, "no wait, SECOND question"));
      await waitFor(
        () => botIn("CT3", root).some((m) => m.text === "second answer here"),
        20_000,
        "the newer answer",
      );
      // The first request was stopped and its own ending ("…Stopped.") was never drawn.
      await waitFor(() => model.aborts > 0, 20_000, "the first request to stop");
      await waitFor(
        async () => (await redis.exists(deliveredKey(prefix, "slack", "slack:EvTh5"))) === 1,
        20_000,
        "the first request's delivery to be handled",
      );
      expect(botIn("CT3", root).map((m) => [m.ts, m.text])).toEqual([[placeholder, "second answer here"]]);
      expect(t.api.called("chat.postMessage").filter((c) => c.args.channel === "CT3")).toHaveLength(1);
    } finally {
      t.setOverride(undefined);
    }
  }, 60_000);
});

/** Writes a long answer slowly, unless the question says SECOND: then a short one. Counts aborts. */
function byQuestion(): ModelPort & { aborts: number } {
  const port = {
    id: "by-question",
    aborts: 0,
    async load() {},
    async dispose() {},
    async generate(r: GenerateRequest): Promise<GenerateResult> {
      const second = JSON.stringify(r.messages).includes("SECOND");
      const words = second ? ["second", "answer", "here"] : Array.from({ length: 60 }, (_, i) => `f${i + 1}`);
      let text = "";
      for (const [i, word] of words.entries()) {
        if (r.signal?.aborted) {
          port.aborts++;
          return { text, promptTokens: 1, completionTokens: i, finishReason: "abort" };
        }
        const piece = `${i ? " " : ""}${word}`;
        text += piece;
        r.onToken?.(piece);
        await new Promise((res) => setTimeout(res, 150));
      }
      return { text, promptTokens: 1, completionTokens: words.length, finishReason: "stop" };
    },
  };
  return port;
}
