import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto, type SWATCHES } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { BOT_USER, type DiscordUser, HUMAN, memberMessage } from "./payloads.js";
import { BOT_ID, GUILD_ID } from "./stand-in.js";
import { BOT_ROLE_ID } from "./stand-in-gateway.js";

/**
 * The photo stays in the conversation: a reply to the bot's answer, a mention replying to
 * someone else's photo and a mention just after one's own photo all show the model the pixels.
 * The tiny model names the mean colour of the images it is given, so the answer's colour proves
 * which photo reached it.
 */
const CH = { chain: "410000000000000001", other: "410000000000000002", recent: "410000000000000003" };
const BOB: DiscordUser = { ...HUMAN, id: "500000000000000002", username: "bob", global_name: "bob" };
const CAROL: DiscordUser = { ...HUMAN, id: "500000000000000003", username: "carol", global_name: "carol" };
let t: DiscordUnderTest;

/** A message id Discord would give a message sent `msAgo` milliseconds ago (ids carry their time). */
function snowflake(msAgo: number, n: number): string {
  return (((BigInt(Date.now() - msAgo) - 1420070400000n) << 22n) + BigInt(n)).toString();
}

async function photo(id: string, colour: keyof typeof SWATCHES, width = 160) {
  return t.stand.attachment(`7${id.slice(1)}`, `${colour}.png`, await colourPhoto(colour, width));
}

function send(o: Parameters<typeof memberMessage>[0] & { replyTo?: string }) {
  const { replyTo, ...m } = o;
  t.stand.dispatch("MESSAGE_CREATE", {
    ...memberMessage(m),
    ...(replyTo
      ? {
          type: 19,
          message_reference: { type: 0, message_id: replyTo, channel_id: o.channel, guild_id: GUILD_ID },
        }
      : {}),
  });
}

/** The bot's finished answer to a message: its reply, once the Stop button is gone. */
async function answerTo(channel: string, messageId: string): Promise<{ id: string; content: string }> {
  let found: { id: string; content: string } | undefined;
  await waitFor(
    () => {
      const m = t.stand
        .messagesIn(channel)
        .find(
          (r) =>
            (r.message_reference as { message_id?: string } | undefined)?.message_id === messageId &&
            ((r.components as unknown[] | undefined) ?? []).length === 0,
        );
      if (m) found = { id: String(m.id), content: String(m.content) };
      return found !== undefined;
    },
    20_000,
    `the answer to ${messageId}`,
  );
  return found ?? { id: "", content: "" };
}

beforeAll(async () => {
  t = await startDiscordUnderTest({ prefix: uniquePrefix("discord-conv"), channels: Object.values(CH) });
}, 60_000);

afterAll(() => t?.close());

describe("Discord: the photo stays in the conversation", () => {
  it("a reply to the bot's answer without an image is answered about the chain's photo", async () => {
    const first = "810000000000000001";
    send({
      id: first,
      channel: CH.chain,
      content: `<@${BOT_ID}> what is this?`,
      attachments: [await photo(first, "red")],
      mentionBot: true,
    });
    const answer = await answerTo(CH.chain, first);
    expect(answer.content).toBe("red");
    send({
      id: "810000000000000002",
      channel: CH.chain,
      content: `<@${BOT_ID}> what colour is it?`,
      mentionBot: true,
      replyTo: answer.id,
    });
    // Without the photo the tiny model would see no colour at all and could not say red.
    expect((await answerTo(CH.chain, "810000000000000002")).content).toBe("red");
  });

  it("a mention replying to another member's photo is answered about that photo", async () => {
    const theirs = "810000000000000011";
    send({
      id: theirs,
      channel: CH.other,
      content: "my new car",
      attachments: [await photo(theirs, "green")],
    });
    send({
      id: "810000000000000012",
      channel: CH.other,
      author: BOB,
      content: `<@${BOT_ID}> what colour is this?`,
      mentionBot: true,
      replyTo: theirs,
    });
    expect((await answerTo(CH.other, "810000000000000012")).content).toBe("green");
  });

  it("a mention 30 s after the member's own photo uses it and says which; nobody else's", async () => {
    const mine = snowflake(30_000, 1);
    send({ id: mine, channel: CH.recent, content: "", attachments: [await photo(mine, "blue")] });
    // A newer photo from someone else is not the asker's.
    const bobs = snowflake(10_000, 2);
    send({
      id: bobs,
      channel: CH.recent,
      author: BOB,
      content: "",
      attachments: [await photo(bobs, "white")],
    });
    const question = snowflake(0, 3);
    send({ id: question, channel: CH.recent, content: `<@${BOT_ID}> what colour?`, mentionBot: true });
    expect((await answerTo(CH.recent, question)).content).toBe(
      "About your photo from 30 seconds ago (blue.png):\n\nblue",
    );
  });

  it("a photo older than conversation.recentImageMinutes is not used", async () => {
    const old = snowflake(11 * 60_000, 4);
    send({ id: old, channel: CH.recent, author: CAROL, content: "", attachments: [await photo(old, "red")] });
    const question = snowflake(0, 5);
    send({
      id: question,
      channel: CH.recent,
      author: CAROL,
      content: `<@${BOT_ID}> and this?`,
      mentionBot: true,
    });
    expect((await answerTo(CH.recent, question)).content).toMatch(/Please attach an image/);
  });

  it("a chain with more images than limits.maxImagesPerRequest sends the newest, in their turns, and says how many were left out", async () => {
    const model = scriptedModel(['"thoughts🤔" look "actions🚀" [] "value👉" five photos']);
    t.setOverride(model);
    try {
      // Five photos, each replying to the one before; widths tell them apart at the model.
      const ids = [21, 22, 23, 24, 25].map((n) => `8100000000000000${n}`);
      for (const [i, id] of ids.entries())
        send({
          id,
          channel: CH.chain,
          content: `photo ${i + 1}`,
          attachments: [await photo(id, "red", 100 + 10 * i)],
          ...(i ? { replyTo: ids[i - 1] ?? "" } : {}),
        });
      const question = "810000000000000026";
      send({
        id: question,
        channel: CH.chain,
        content: `<@${BOT_ID}> which is best?`,
        mentionBot: true,
        replyTo: ids[4] ?? "",
      });
      expect((await answerTo(CH.chain, question)).content).toBe(
        "(I looked at the newest 4 images of this conversation; 1 earlier image left out.)\n\nfive photos",
      );
      const sent = model.requests[0];
      expect(sent?.images.map((i) => i.width)).toEqual([110, 120, 130, 140]);
      // Each image in the turn that carried it: photo 1 kept its words but lost its image.
      expect(sent?.messages.slice(1).map((m) => [m.content, m.imageCount ?? 0])).toEqual([
        ["photo 1", 0],
        ["photo 2", 1],
        ["photo 3", 1],
        ["photo 4", 1],
        ["photo 5", 1],
        ["which is best?", 0],
      ]);
    } finally {
      t.setOverride(undefined);
    }
  });

  it("a message with more photos than limits.maxImagesPerRequest uses the first ones and says how many were left out", async () => {
    const model = scriptedModel(['"thoughts🤔" look "actions🚀" [] "value👉" the first four']);
    t.setOverride(model);
    try {
      // Discord allows ten files in a message; a request takes four.
      const id = "810000000000000031";
      const files = await Promise.all(
        [0, 1, 2, 3, 4].map(async (i) =>
          t.stand.attachment(`78100000000000003${i}`, `p${i}.png`, await colourPhoto("blue", 100 + 10 * i)),
        ),
      );
      send({
        id,
        channel: CH.other,
        content: `<@${BOT_ID}> compare these`,
        attachments: files,
        mentionBot: true,
      });
      expect((await answerTo(CH.other, id)).content).toBe(
        "(I looked at the first 4 of your 5 images; 1 left out.)\n\nthe first four",
      );
      expect(model.requests[0]?.images.map((i) => i.width)).toEqual([100, 110, 120, 130]);
    } finally {
      t.setOverride(undefined);
    }
  });

  it("a reply to the bot's answer with its ping turned off continues the conversation", async () => {
    const first = "810000000000000041";
    send({
      id: first,
      channel: CH.chain,
      content: `<@${BOT_ID}> look`,
      attachments: [await photo(first, "blue")],
      mentionBot: true,
    });
    const answer = await answerTo(CH.chain, first);
    expect(answer.content).toBe("blue");
    // No mention at all: Discord's "@ off" on a reply leaves the bot out of `mentions`.
    send({
      id: "810000000000000042",
      channel: CH.chain,
      content: "and what colour is it?",
      replyTo: answer.id,
    });
    expect((await answerTo(CH.chain, "810000000000000042")).content).toBe("blue");
  });

  it("the bot's managed role, picked from the @ menu instead of its name, counts as a mention", async () => {
    const id = "810000000000000051";
    t.stand.dispatch("MESSAGE_CREATE", {
      ...memberMessage({
        id,
        channel: CH.other,
        content: `<@&${BOT_ROLE_ID}> what colour?`,
        attachments: [await photo(id, "green")],
      }),
      mention_roles: [BOT_ROLE_ID],
    });
    expect((await answerTo(CH.other, id)).content).toBe("green");
  });

  it("only the bot's own mention leaves the question: other people named in it stay, by name", async () => {
    const model = scriptedModel(['"thoughts🤔" look "actions🚀" [] "value👉" maybe']);
    t.setOverride(model);
    try {
      const id = "810000000000000061";
      t.stand.dispatch("MESSAGE_CREATE", {
        ...memberMessage({
          id,
          channel: CH.other,
          content: `<@${BOT_ID}> is <@${CAROL.id}> in this photo?`,
          attachments: [await photo(id, "red")],
        }),
        mentions: [BOT_USER, CAROL],
      });
      expect((await answerTo(CH.other, id)).content).toBe("maybe");
      expect(model.requests[0]?.messages.at(-1)?.content).toBe("is @carol in this photo?");
    } finally {
      t.setOverride(undefined);
    }
  });
});
