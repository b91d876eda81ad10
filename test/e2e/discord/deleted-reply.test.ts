import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { memberMessage } from "./payloads.js";
import { BOT_ID } from "./stand-in.js";

/**
 * Journey 4.2: a moderator deletes the bot's "Working on it…" reply by mistake while the answer is
 * written. The answer is not lost: it arrives as a new reply to the question, once.
 */
const CH = "420000000000000001";
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({ prefix: uniquePrefix("discord-deleted"), channels: [CH] });
}, 60_000);

afterAll(() => t?.close());

describe("a deleted reply", () => {
  it("the answer arrives as a new reply to the question, once", async () => {
    const { stand } = t;
    const words = Array.from({ length: 30 }, (_, i) => `w${i + 1}`);
    t.setOverride(pacedModel(words, 100));
    const question = "430000000000000001";
    const att = stand.attachment("440000000000000001", "blue.png", await colourPhoto("blue"));
    stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: question,
        channel: CH,
        content: `<@${BOT_ID}> tell me`,
        attachments: [att],
        mentionBot: true,
      }),
    );
    const replies = () =>
      stand
        .messagesIn(CH)
        .filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === question);
    await waitFor(() => replies().some((m) => String(m.content).startsWith("w1")), 20_000, "the first words");
    const placeholder = String(replies()[0]?.id);
    // Deleted by someone else, through the API as a moderator's client would.
    const res = await fetch(`${stand.api}/v10/channels/${CH}/messages/${placeholder}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    await waitFor(() => replies().some((m) => m.content === words.join(" ")), 30_000, "the answer");
    const answers = replies().filter((m) => m.content === words.join(" "));
    expect(answers).toHaveLength(1);
    expect(answers[0]?.id).not.toBe(placeholder);
    expect((answers[0]?.components as unknown[] | undefined) ?? []).toEqual([]); // no Stop left behind
  }, 60_000);
});
