import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { memberMessage } from "./payloads.js";
import { BOT_ID } from "./stand-in.js";

/**
 * Journey 1.6: Alice deletes her question while the bot is still working on it. Discord tells the
 * client (MESSAGE_DELETE) and refuses replies to the deleted message (50035) unless told not to
 * fail; the answer still comes, once, as a plain message if the question is gone by then, and
 * nothing says "error id".
 */
const CH = "470000000000000001";
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({ prefix: uniquePrefix("discord-deleted-q"), channels: [CH] });
}, 60_000);

afterAll(() => t?.close());

function ask(id: string, attachments: unknown[]) {
  t.stand.dispatch(
    "MESSAGE_CREATE",
    memberMessage({ id, channel: CH, content: `<@${BOT_ID}> tell me`, attachments, mentionBot: true }),
  );
}

const refusedReplies = () =>
  t.sentTo(CH).filter((r) => r.status === 400 && r.json?.message_reference !== undefined);

describe("a question deleted while the bot works on it", () => {
  it("deleted while the answer streams: the answer is finished in its reply, once, Stop gone", async () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i + 1}`);
    t.setOverride(pacedModel(words, 100));
    const question = "480000000000000001";
    ask(question, [t.stand.attachment("490000000000000001", "blue.png", await colourPhoto("blue"))]);
    const replies = () =>
      t.stand
        .messagesIn(CH)
        .filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === question);
    await waitFor(() => replies().some((m) => String(m.content).startsWith("w1")), 20_000, "the first words");
    expect(t.stand.deleteMessage(CH, question)).toBe(1);
    await waitFor(() => replies().some((m) => m.content === words.join(" ")), 30_000, "the answer");
    expect(replies()).toHaveLength(1);
    expect((replies()[0]?.components as unknown[] | undefined) ?? []).toEqual([]);
    t.setOverride(undefined);
  }, 60_000);

  it("deleted before the bot replied: the answer arrives as a plain message, never refused", async () => {
    const question = "480000000000000002";
    ask(question, [t.stand.attachment("490000000000000002", "green.png", await colourPhoto("green"))]);
    t.stand.deleteMessage(CH, question);
    await waitFor(
      () => t.stand.messagesIn(CH).some((m) => m.content === "green"),
      30_000,
      "the answer about the photo",
    );
    expect(refusedReplies()).toEqual([]);
  }, 40_000);

  it("deleted before the bot could say the photo is unreadable: it still says so, without an error id", async () => {
    const question = "480000000000000003";
    const broken = t.stand.attachment("490000000000000003", "broken.png", Buffer.from("not a png at all"));
    ask(question, [broken]);
    t.stand.deleteMessage(CH, question);
    // The reply opens before the download, so the warning is that reply, edited (or a plain message).
    const warnings = () => t.stand.messagesIn(CH).filter((m) => String(m.content).startsWith("⚠️"));
    await waitFor(() => warnings().length > 0, 30_000, "what went wrong");
    expect(warnings()).toHaveLength(1);
    expect(String(warnings()[0]?.content)).not.toMatch(/error id/i);
    expect(refusedReplies()).toEqual([]);
  }, 40_000);
});
