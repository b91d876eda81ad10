import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto, type SWATCHES } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { type DiscordUser, HUMAN, memberMessage } from "./payloads.js";
import { BOT_ID, GUILD_ID } from "./stand-in.js";

/**
 * Where the photo is on Discord besides a message's own files (issue 28, items 6, 7 and 9): a
 * forward's snapshot, a link or embed from Discord's CDN, the message a thread was started from
 * (an auto-caption's thread too), and text files read as part of the question. The tiny model
 * names the colour it is shown, so the answer proves which photo reached it.
 */
const CH = {
  links: "440000000000000001",
  threads: "440000000000000002",
  caption: "440000000000000003",
  texts: "440000000000000004",
};
const DM = "440000000000000099";
const BOB: DiscordUser = { ...HUMAN, id: "500000000000000002", username: "bob", global_name: "bob" };
let t: DiscordUnderTest;
/** A web server that is not Discord's: a link to it must never be fetched. */
let elsewhere: Server;
const elsewhereHits: string[] = [];

async function photo(id: string, colour: keyof typeof SWATCHES) {
  return t.stand.attachment(id, `${colour}.png`, await colourPhoto(colour));
}

/** The bot's finished answer to a message in a channel (a thread is one), once Stop is gone. */
async function answerTo(channel: string, messageId: string): Promise<string> {
  let found: string | undefined;
  await waitFor(
    () => {
      const m = t.stand
        .messagesIn(channel)
        .find(
          (r) =>
            (r.message_reference as { message_id?: string } | undefined)?.message_id === messageId &&
            ((r.components as unknown[] | undefined) ?? []).length === 0,
        );
      found = m ? String(m.content) : undefined;
      return found !== undefined;
    },
    30_000,
    `the answer to ${messageId}`,
  );
  return found ?? "";
}

beforeAll(async () => {
  elsewhere = createServer(async (req, res) => {
    elsewhereHits.push(req.url ?? "");
    res.setHeader("content-type", "image/png");
    res.end(await colourPhoto("red"));
  });
  await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
  t = await startDiscordUnderTest({
    prefix: uniquePrefix("discord-photo-sources"),
    channels: Object.values(CH),
    config: { limits: { maxTextFileBytes: 400 } },
    discord: { autocaptionChannels: [CH.caption], autocaptionIn: "thread" },
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => elsewhere?.close(() => r()));
});

describe("Discord: where the photo is", () => {
  it("a forwarded photo (its files in message_snapshots) is answered about in a DM", async () => {
    const id = "840000000000000001";
    const original = await photo("740000000000000001", "red");
    t.stand.dispatch("MESSAGE_CREATE", {
      id,
      channel_id: DM,
      channel_type: 1,
      author: HUMAN,
      content: "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 1 << 14, // HAS_SNAPSHOT
      // A forward: the reference says where it came from; the snapshot carries what it showed.
      message_reference: {
        type: 1,
        message_id: "840000000000000000",
        channel_id: CH.links,
        guild_id: GUILD_ID,
      },
      message_snapshots: [
        {
          message: {
            type: 0,
            content: "",
            embeds: [],
            attachments: [original],
            timestamp: new Date().toISOString(),
            edited_timestamp: null,
            flags: 0,
            mentions: [],
            mention_roles: [],
          },
        },
      ],
    });
    expect(await answerTo(DM, id)).toBe("red");
    // discord.js files the snapshot, authorless, under the channel it came from: a mention there
    // that looks for the asker's recent photo must pass over it.
    const there = "840000000000000010";
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: there,
        channel: CH.links,
        author: BOB,
        content: `<@${BOT_ID}> what colour?`,
        mentionBot: true,
      }),
    );
    expect(await answerTo(CH.links, there)).toMatch(/Please attach an image/);
  });

  it("a link to an image on Discord's CDN is used; a link anywhere else is never fetched", async () => {
    const green = await photo("740000000000000002", "green");
    const id = "840000000000000002";
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id,
        channel: CH.links,
        content: `<@${BOT_ID}> what colour? ${green.url}`,
        mentionBot: true,
      }),
    );
    expect(await answerTo(CH.links, id)).toBe("green");

    const outside = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/attachments/1/2/red.png`;
    const id2 = "840000000000000003";
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: id2,
        channel: CH.links,
        author: BOB,
        content: `<@${BOT_ID}> and this? ${outside}`,
        mentionBot: true,
      }),
    );
    expect(await answerTo(CH.links, id2)).toMatch(/Please attach an image/);
    expect(elsewhereHits).toEqual([]);
  });

  it("an image embed from the CDN (as Discord unfurls a link) is used", async () => {
    const white = await photo("740000000000000004", "white");
    const id = "840000000000000004";
    t.stand.dispatch("MESSAGE_CREATE", {
      ...memberMessage({ id, channel: CH.links, content: `<@${BOT_ID}> what colour?`, mentionBot: true }),
      embeds: [
        {
          type: "image",
          url: white.url,
          thumbnail: { url: white.url, proxy_url: white.url, width: 64, height: 64 },
        },
      ],
    });
    expect(await answerTo(CH.links, id)).toBe("white");
  });

  /** A member's photo message and a thread someone starts from it (the thread's id is the message's). */
  async function threadFromPhoto(starter: string, colour: keyof typeof SWATCHES) {
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: starter,
        channel: CH.threads,
        content: "look",
        attachments: [await photo(`7${starter.slice(1)}`, colour)],
      }),
    );
    t.stand.dispatch("THREAD_CREATE", { ...t.stand.startThread(starter, CH.threads), newly_created: true });
    await waitFor(() => t.discord.client.channels.cache.has(starter), 10_000, "the thread in the cache");
  }

  /** Bob's mention without a photo in a channel (a thread is one); the bot's answer to it. */
  function bobAsks(channel: string, id: string) {
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({ id, channel, author: BOB, content: `<@${BOT_ID}> what colour?`, mentionBot: true }),
    );
    return answerTo(channel, id);
  }

  it("a mention in a thread started from a member's photo is about that photo", async () => {
    await threadFromPhoto("840000000000000005", "blue");
    expect(await bobAsks("840000000000000005", "840000000000000006")).toBe("blue");
  });

  it("a thread's starter is fetched from Discord when the client no longer holds it (after a restart)", async () => {
    const starter = "840000000000000011";
    await threadFromPhoto(starter, "green");
    const parent = t.discord.client.channels.cache.get(CH.threads);
    if (parent?.isTextBased()) parent.messages.cache.delete(starter);
    expect(await bobAsks(starter, "840000000000000012")).toBe("green");
    const fetched = t.stand.requests.filter(
      (r) => r.method === "GET" && r.path === `/channels/${CH.threads}/messages/${starter}`,
    );
    expect(fetched).toHaveLength(1);
  });

  it("a mention in the bot's own caption thread is about the captioned photo", async () => {
    const uploaded = "840000000000000007";
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: uploaded,
        channel: CH.caption,
        content: "",
        attachments: [await photo("740000000000000007", "red")],
      }),
    );
    // The caption goes into a thread the bot starts on the upload (autocaptionIn: thread).
    await waitFor(() => t.stand.messagesIn(uploaded).length > 0, 30_000, "the caption in its thread");
    const id = "840000000000000008";
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id,
        channel: uploaded,
        author: BOB,
        content: `<@${BOT_ID}> what colour is it?`,
        mentionBot: true,
      }),
    );
    expect(await answerTo(uploaded, id)).toBe("red");
  });

  it("message.txt is read as the question; a PDF and a text file over the limit are named as not used", async () => {
    const model = scriptedModel(['"thoughts🤔" read "actions🚀" [] "value👉" it is red']);
    t.setOverride(model);
    try {
      const question = "What colour is this car, and is the paint original? Please answer briefly.";
      const id = "840000000000000009";
      t.stand.dispatch(
        "MESSAGE_CREATE",
        memberMessage({
          id,
          channel: CH.texts,
          content: `<@${BOT_ID}>`,
          mentionBot: true,
          attachments: [
            await photo("740000000000000009", "red"),
            t.stand.attachment(
              "740000000000000010",
              "message.txt",
              Buffer.from(question),
              "text/plain; charset=utf-8",
            ),
            t.stand.attachment(
              "740000000000000011",
              "report.pdf",
              Buffer.from("%PDF-1.4\n"),
              "application/pdf",
            ),
            t.stand.attachment("740000000000000012", "notes.md", Buffer.alloc(1000, "a"), "text/markdown"),
          ],
        }),
      );
      expect(await answerTo(CH.texts, id)).toBe(
        "(I did not use report.pdf, notes.md: I read photos and small .txt or .md files.)\n\nit is red",
      );
      expect(model.requests[0]?.messages.at(-1)?.content).toBe(question);
      expect(model.requests[0]?.images).toHaveLength(1);
    } finally {
      t.setOverride(undefined);
    }
  });
});
