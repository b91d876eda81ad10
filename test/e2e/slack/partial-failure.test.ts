import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { longAnswer, wholeAnswer } from "../../helpers/swappable-engine.js";
import { mentionEvent, slackFile } from "./harness.js";
import { type SlackReplicas, startSlackReplicas } from "./replicas.js";
import type { ApiCall } from "./stand-in.js";

/**
 * A long final answer spans three messages of a thread; Slack refuses one of them. Whether the
 * WebClient's own retry absorbs it (a 500) or the delivery is retried (`internal_error`, which the
 * client does not retry), by this replica or another, the answer ends up complete and in order,
 * and no part is posted twice.
 */

/** Three paragraphs of about 2,500 characters: one message each within a 3,000-character block. */
const { parts: PARTS, text: ANSWER } = longAnswer(380);
/** Slack's "try again later", answered with HTTP 200: the WebClient does not retry it. */
const INTERNAL_ERROR = { status: 200, error: "internal_error" };

let t: SlackReplicas;

beforeAll(async () => {
  t = await startSlackReplicas({
    prefix: uniquePrefix("slack-parts"),
    files: { FBLUE: await colourPhoto("blue") },
  });
  t.engine.use(wholeAnswer(ANSWER));
}, 60_000);

afterAll(() => t?.close());

const isPost = (channel: string, part: string) => (c: ApiCall) =>
  c.method === "chat.postMessage" && c.args.channel === channel && c.args.text === part;
/** How often Slack accepted a message with this text in the channel. */
const postedOk = (channel: string, part: string) =>
  t.api.called("chat.postMessage").filter((c) => !c.refused && isPost(channel, part)(c)).length;
const messagesIn = (channel: string) => [...t.api.posted.values()].filter((m) => m.channel === channel);

function ask(replica: { send(payload: unknown): Promise<unknown> }, channel: string, ts: string) {
  return replica.send(
    mentionEvent(
      `Ev${channel}`,
      channel,
      ts,
      [slackFile(t.api.url, "FBLUE", "b.png")],
      "<@UBOT> tell me everything",
    ),
  );
}

/** The answer reads complete and in order in the question's thread, each part once, no Stop left. */
async function expectWholeAnswerOnce(channel: string, thread: string) {
  await waitFor(() => postedOk(channel, PARTS[2] ?? "") > 0, 30_000, "the last part");
  await new Promise((r) => setTimeout(r, 1500)); // room for a second copy, were one coming
  // Part 1 is the placeholder; parts 2 and 3 are new messages, each posted once.
  expect(postedOk(channel, PARTS[1] ?? ""), "times part 2 was posted").toBe(1);
  expect(postedOk(channel, PARTS[2] ?? ""), "times part 3 was posted").toBe(1);
  const accepted = t.api.called("chat.postMessage").filter((c) => c.args.channel === channel && !c.refused);
  expect(accepted).toHaveLength(3);
  const messages = messagesIn(channel);
  expect(messages.map((m) => m.text).join("\n\n") === ANSWER, "the thread reads the answer, in order").toBe(
    true,
  );
  for (const m of messages) expect(m.thread_ts).toBe(thread);
  expect(messages[0]?.blocks).toEqual([]); // the placeholder, drawn into, lost its Stop
}

describe("a long answer that Slack refuses part of", () => {
  it("the second of three messages refused once (500): the WebClient's retry; complete, each part once", async () => {
    const r = await t.inProcess();
    try {
      const fault = t.api.refuse(isPost("CP1", PARTS[1] ?? ""), 1);
      await ask(r, "CP1", "1700000301.000100");
      await expectWholeAnswerOnce("CP1", "1700000301.000100");
      expect(fault.refused).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it("the second of three refused with internal_error: the delivery's retry continues; each part once", async () => {
    const r = await t.inProcess();
    try {
      const fault = t.api.refuse(isPost("CP2", PARTS[1] ?? ""), 1, INTERNAL_ERROR);
      await ask(r, "CP2", "1700000302.000100");
      await expectWholeAnswerOnce("CP2", "1700000302.000100");
      expect(fault.refused).toHaveLength(1);
      // Two deliveries drew part 1 into the placeholder: the first failed at part 2, the retry went on.
      const placeholder = messagesIn("CP2")[0]?.ts;
      const part1 = t.api
        .called("chat.update")
        .filter((c) => c.args.ts === placeholder && c.args.text === PARTS[0]);
      expect(part1).toHaveLength(2);
    } finally {
      await r.close();
    }
  });

  it("the third refused with internal_error, the retry taken by another replica: part 2 is not posted again", async () => {
    const first = await t.inProcess();
    const fault = t.api.refuse(isPost("CP3", PARTS[2] ?? ""), 1, INTERNAL_ERROR);
    await ask(first, "CP3", "1700000303.000100");
    await waitFor(() => fault.refused.length === 1, 30_000, "the refusal of part 3");
    // The first replica leaves while its delivery waits for the retry: another one takes it.
    const second = await t.inProcess();
    await first.close();
    try {
      await expectWholeAnswerOnce("CP3", "1700000303.000100");
    } finally {
      await second.close();
    }
  });
});
