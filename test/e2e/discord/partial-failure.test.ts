import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { longAnswer, wholeAnswer } from "../../helpers/swappable-engine.js";
import { memberMessage } from "./payloads.js";
import { type DiscordReplicas, startDiscordReplicas } from "./replicas.js";
import { BOT_ID, type Recorded } from "./stand-in.js";

/**
 * A long final answer spans three messages; Discord refuses one of them with a 500. Whether
 * discord.js's own retries absorb it or the delivery is retried (by this replica or another),
 * the answer ends up complete and in order, and no part is posted twice.
 */
const CH = {
  once: "440000000000000001",
  past: "440000000000000002",
  other: "440000000000000003",
};

/** Three paragraphs of about 1,500 characters: one message each within Discord's 2,000. */
const { parts: PARTS, text: ANSWER } = longAnswer(230);
/** One request plus discord.js's 3 retries: a 5xx refused this often reaches the adapter. */
const PAST_CLIENT_RETRIES = 4;

let t: DiscordReplicas;

beforeAll(async () => {
  t = await startDiscordReplicas({ prefix: uniquePrefix("discord-parts"), channels: Object.values(CH) });
  t.engine.use(wholeAnswer(ANSWER));
}, 60_000);

afterAll(() => t?.close());

const contentOf = (r: Recorded) => String(r.json?.content ?? "");
const created = (channel: string) =>
  t.stand.requests.filter((r) => r.method === "POST" && r.path === `/channels/${channel}/messages`);
/** The part of the answer `part` was posted successfully this many times. */
const postedOk = (channel: string, part: string) =>
  created(channel).filter((r) => r.status === 200 && contentOf(r) === part).length;
const isPost = (channel: string, part: string) => (r: Recorded) =>
  r.method === "POST" && r.path === `/channels/${channel}/messages` && contentOf(r) === part;

async function ask(channel: string, id: string, to: number) {
  const att = t.stand.attachment(`7${id.slice(1)}`, "blue.png", await colourPhoto("blue"));
  t.stand.dispatch(
    "MESSAGE_CREATE",
    memberMessage({
      id,
      channel,
      content: `<@${BOT_ID}> tell me everything`,
      attachments: [att],
      mentionBot: true,
    }),
    { to },
  );
}

/** The answer reads complete and in order, each part once, and no Stop is left on it. */
async function expectWholeAnswerOnce(channel: string, asked: string) {
  await waitFor(() => postedOk(channel, PARTS[2] ?? "") > 0, 30_000, "the last part");
  await new Promise((r) => setTimeout(r, 1500)); // room for a second copy, were one coming
  // Part 1 is the placeholder drawn into (it answers the question); parts 2 and 3 are new, once.
  expect(postedOk(channel, PARTS[1] ?? ""), "times part 2 was posted").toBe(1);
  expect(postedOk(channel, PARTS[2] ?? ""), "times part 3 was posted").toBe(1);
  expect(created(channel).filter((r) => r.status === 200)).toHaveLength(3);
  const messages = t.stand.messagesIn(channel);
  expect(
    messages.map((m) => m.content).join("\n\n") === ANSWER,
    "the channel reads the answer, in order",
  ).toBe(true);
  for (const m of messages) expect(m.components).toEqual([]);
  expect((messages[0]?.message_reference as { message_id?: string } | undefined)?.message_id).toBe(asked);
}

describe("a long answer that Discord refuses part of", () => {
  it("the second of three messages refused once (500): discord.js's retry; complete, each part once", async () => {
    const r = await t.inProcess();
    try {
      const fault = t.stand.refuse(isPost(CH.once, PARTS[1] ?? ""), 1);
      await ask(CH.once, "840000000000000001", r.to);
      await expectWholeAnswerOnce(CH.once, "840000000000000001");
      expect(fault.refused).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it("the second of three refused past the client's retries: the delivery's retry continues; each part once", async () => {
    const r = await t.inProcess();
    try {
      const fault = t.stand.refuse(isPost(CH.past, PARTS[1] ?? ""), PAST_CLIENT_RETRIES);
      await ask(CH.past, "840000000000000002", r.to);
      await expectWholeAnswerOnce(CH.past, "840000000000000002");
      expect(fault.refused).toHaveLength(PAST_CLIENT_RETRIES);
      // Two deliveries drew part 1 into the placeholder: the first failed at part 2, the retry went on.
      const placeholder = t.stand.messagesIn(CH.past)[0]?.id;
      const part1Edits = t.stand.requests.filter(
        (x) =>
          x.method === "PATCH" && x.path.endsWith(`/messages/${placeholder}`) && contentOf(x) === PARTS[0],
      );
      expect(part1Edits).toHaveLength(2);
    } finally {
      await r.close();
    }
  });

  it("the third refused past the client's retries, the retry taken by another replica: part 2 is not posted again", async () => {
    const first = await t.inProcess();
    const fault = t.stand.refuse(isPost(CH.other, PARTS[2] ?? ""), PAST_CLIENT_RETRIES);
    await ask(CH.other, "840000000000000003", first.to);
    await waitFor(() => fault.refused.length === PAST_CLIENT_RETRIES, 30_000, "the refusals of part 3");
    // The first replica leaves while its delivery waits for the retry: another one takes it.
    const second = await t.inProcess();
    await first.close();
    try {
      await expectWholeAnswerOnce(CH.other, "840000000000000003");
    } finally {
      await second.close();
    }
  });
});
