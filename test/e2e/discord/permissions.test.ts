import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { ALL_PERMISSIONS, HUMAN, memberMessage, slashCommand } from "./payloads.js";
import { APP_ID, BOT_ID } from "./stand-in.js";
import { PERMISSION } from "./stand-in-limits.js";

/**
 * Missing permissions on Discord (issue 28, item 2): the bot checks what it may do in a channel
 * before any work and says what is missing (ephemerally for a command, in a DM when it may not
 * speak in the channel); Discord's own 50013 gets the same words, and an image it may not attach
 * becomes the answer's words with a note. The stand-in computes the bot's permissions from the
 * channels' overwrites and refuses as Discord does.
 */
const CH = {
  mute: "450000000000000001",
  nofiles: "450000000000000002",
  revoked: "450000000000000003",
  nothreads: "450000000000000004",
};
const deny = (bit: bigint) => [{ id: BOT_ID, type: 1 as const, allow: "0", deny: String(bit) }];
const SEND_MISSING =
  "I'm missing the Send Messages permission in this channel, so I can't answer here. Ask a moderator to give it to me.";
const ATTACH_MISSING =
  "I'm missing the Attach Files permission in this channel, so I can't answer here. Ask a moderator to give it to me.";
let t: DiscordUnderTest;

async function greyPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .png()
    .toBuffer();
}

/** What the bot said to a user in their DM, once it opened it. */
const dmTo = (user: string) =>
  t.stand.requests
    .filter((r) => r.method === "POST" && r.path === `/channels/${t.stand.dmWith(user)}/messages`)
    .map((r) => String(r.json?.content));

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix: uniquePrefix("discord-permissions"),
    channels: Object.values(CH),
    limits: {
      overwrites: {
        [CH.mute]: deny(PERMISSION.SendMessages),
        [CH.nofiles]: deny(PERMISSION.AttachFiles),
        [CH.nothreads]: deny(PERMISSION.SendMessagesInThreads),
      },
    },
  });
}, 60_000);

afterAll(() => t?.close());

/** `/edit make it warmer` on `att` in the channel without Attach Files, with the app permissions the interaction carries. */
function editWarmer(id: string, att: { id: string }, appPermissions?: string) {
  return slashCommand({
    id,
    channel: CH.nofiles,
    name: "edit",
    options: [
      { name: "image", type: 11, value: att.id },
      { name: "edits", type: 3, value: "make it warmer" },
    ],
    attachments: { [att.id]: att },
    ...(appPermissions ? { appPermissions } : {}),
  });
}

describe("Discord: missing permissions", () => {
  it("a mention where the bot may not send is told in a DM, once, and nothing is posted or queued", async () => {
    const id = "850000000000000001";
    const att = t.stand.attachment("750000000000000001", "red.png", await colourPhoto("red"));
    const mention = memberMessage({
      id,
      channel: CH.mute,
      content: `<@${BOT_ID}> what colour?`,
      attachments: [att],
      mentionBot: true,
    });
    t.stand.dispatch("MESSAGE_CREATE", mention);
    await waitFor(() => dmTo(HUMAN.id).length > 0, 20_000, "the DM");
    expect(dmTo(HUMAN.id)).toEqual([`⚠️ In <#${CH.mute}>: ${SEND_MISSING}`]);
    // Nothing was tried in the channel, and the photo was never fetched for a request.
    expect(t.sentTo(CH.mute)).toEqual([]);
    expect(t.stand.requests.some((r) => r.path.includes("/cdn/"))).toBe(false);
  });

  it("a mention in a thread where the bot may not send in threads names that permission", async () => {
    const starter = "850000000000000005";
    t.stand.dispatch("THREAD_CREATE", { ...t.stand.startThread(starter, CH.nothreads), newly_created: true });
    await waitFor(() => t.discord.client.channels.cache.has(starter), 10_000, "the thread");
    const asker = { ...HUMAN, id: "500000000000000008", username: "erin", global_name: "erin" };
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: "850000000000000006",
        channel: starter,
        author: asker,
        content: `<@${BOT_ID}> hi`,
        mentionBot: true,
      }),
    );
    await waitFor(() => dmTo(asker.id).length > 0, 20_000, "the DM");
    expect(dmTo(asker.id)).toEqual([
      `⚠️ In <#${starter}>: I'm missing the Send Messages in Threads permission in this channel, so I can't answer here. Ask a moderator to give it to me.`,
    ]);
    expect(t.sentTo(starter)).toEqual([]);
  });

  it("/edit where the bot may not attach files is refused at once, for the asker's eyes", async () => {
    const att = t.stand.attachment("750000000000000002", "grey.png", await greyPhoto());
    const id = "950000000000000002";
    t.stand.dispatch(
      "INTERACTION_CREATE",
      editWarmer(id, att, String(BigInt(ALL_PERMISSIONS) & ~PERMISSION.AttachFiles)),
    );
    const callback = () => t.stand.requests.find((r) => r.path.startsWith(`/interactions/${id}/`));
    await waitFor(() => callback() !== undefined, 20_000, "the refusal");
    expect(callback()?.json).toMatchObject({ type: 4, data: { content: `⚠️ ${ATTACH_MISSING}`, flags: 64 } });
    expect(t.webhookEdits(id)).toEqual([]);
  });

  it("a typed /edit where the bot may send but not attach is answered with what is missing, nothing queued", async () => {
    const id = "850000000000000002";
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id,
        channel: CH.nofiles,
        content: `<@${BOT_ID}> /edit make it warmer`,
        attachments: [t.stand.attachment("750000000000000005", "grey.png", await greyPhoto())],
        mentionBot: true,
      }),
    );
    await waitFor(() => t.sentTo(CH.nofiles).length > 0, 20_000, "the reply");
    expect(t.sentTo(CH.nofiles).map((r) => r.json?.content)).toEqual([`⚠️ ${ATTACH_MISSING}`]);
    expect(t.sentTo(CH.nofiles)[0]?.json?.message_reference).toMatchObject({ message_id: id });
  });

  it("an /edit whose image Discord refuses to attach (50013) is answered in words with a note, Stop gone", async () => {
    const att = t.stand.attachment("750000000000000003", "grey.png", await greyPhoto());
    const id = "950000000000000003";
    // The interaction still says it may attach (a permission changed since): Discord refuses the upload.
    t.stand.dispatch("INTERACTION_CREATE", editWarmer(id, att));
    await waitFor(
      () => t.stand.interactionMessages(`token-${id}`).length === 2,
      30_000,
      "the answer and its note",
    );
    const [answer, note] = t.stand.interactionMessages(`token-${id}`);
    expect(answer?.content).toBe("Done: warmer by 20 %.");
    expect(answer?.components).toEqual([]);
    expect(answer?.attachments).toEqual([]);
    expect(note?.content).toBe(
      "⚠️ I'm missing the Attach Files permission in this channel, so the image is not attached. Ask a moderator to give it to me.",
    );
    const refused = t.stand.requests.filter(
      (r) => r.path === `/webhooks/${APP_ID}/token-${id}/messages/@original` && r.status === 403,
    );
    expect(refused).toHaveLength(1);
  });

  it("a mention Discord refuses (50013, the permission taken away after start-up) gets the same words in a DM", async () => {
    // The client's cache still says it may send; the REST API knows better.
    t.stand.limits.overwrites[CH.revoked] = deny(PERMISSION.SendMessages);
    const asker = { ...HUMAN, id: "500000000000000007", username: "dana", global_name: "dana" };
    const id = "850000000000000004";
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id,
        channel: CH.revoked,
        author: asker,
        content: `<@${BOT_ID}> what colour?`,
        attachments: [t.stand.attachment("750000000000000004", "red.png", await colourPhoto("red"))],
        mentionBot: true,
      }),
    );
    await waitFor(() => dmTo(asker.id).length > 0, 20_000, "the DM");
    expect(dmTo(asker.id)).toEqual([`⚠️ In <#${CH.revoked}>: ${SEND_MISSING}`]);
    expect(t.sentTo(CH.revoked).every((r) => r.status === 403)).toBe(true);
  });
});
