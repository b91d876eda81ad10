import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { describePhoto, directMessage, HUMAN, memberMessage, slashCommand } from "./payloads.js";
import { BOT_ID, GUILD_ID, MEMBER_ROLE_ID } from "./stand-in.js";

/**
 * Allowlists (discord.allowedChannels, discord.allowedRoles) against the real discord.js client:
 * who is told no, how (only they see it), and where the bot stays quiet. With allowlists set, DMs
 * are told so in the DM unless discord.allowDirectMessages (access-dms.test.ts).
 */
const CH = { open: "410000000000000001", closed: "410000000000000002" };
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix: uniquePrefix("discord-access"),
    channels: Object.values(CH),
    discord: { allowedChannels: [CH.open], allowedRoles: [MEMBER_ROLE_ID] },
  });
}, 60_000);

afterAll(() => t?.close());

function mention(o: { id: string; channel: string; roles: string[] }) {
  t.stand.dispatch(
    "MESSAGE_CREATE",
    memberMessage({ ...o, content: `<@${BOT_ID}> what is this?`, mentionBot: true }),
  );
}

/** The interaction's callback, once it has come. */
async function callbackOf(id: string) {
  const match = (r: { path: string }) => r.path.startsWith(`/interactions/${id}/`);
  await waitFor(() => t.stand.requests.some(match), 5000, "the interaction's callback");
  return t.stand.requests.find(match);
}

async function describeCommand(id: string, channel: string, roles: string[]) {
  t.stand.dispatch(
    "INTERACTION_CREATE",
    await describePhoto(t.stand, { id, channel, colour: "green", roles }),
  );
}

describe("Discord allowlists", () => {
  it("a member with an allowed role in an allowed channel is answered", async () => {
    await describeCommand("910000000000000001", CH.open, [MEMBER_ROLE_ID]);
    expect((await callbackOf("910000000000000001"))?.json?.type).toBe(5);
    await waitFor(
      () => t.webhookEdits("910000000000000001").some((r) => r.json?.content === "green"),
      20_000,
      "the answer",
    );
  });

  it("a member without an allowed role is told why, and only they see it; nothing is queued", async () => {
    await describeCommand("910000000000000002", CH.open, []);
    const callback = await callbackOf("910000000000000002");
    expect(callback?.json?.type).toBe(4);
    const data = callback?.json?.data as { content?: string; flags?: number };
    expect(data.content).toMatch(/roles allowed to use me/);
    expect((data.flags ?? 0) & 64).toBe(64); // ephemeral
    await new Promise((r) => setTimeout(r, 1000));
    expect(t.webhookEdits("910000000000000002")).toEqual([]);
  });

  it("a command in a channel the bot does not serve is refused the same way", async () => {
    await describeCommand("910000000000000003", CH.closed, [MEMBER_ROLE_ID]);
    const data = (await callbackOf("910000000000000003"))?.json?.data as { content?: string; flags?: number };
    expect(data.content).toMatch(/not enabled in this channel/);
    expect((data.flags ?? 0) & 64).toBe(64);
  });

  it("/autocaption from a member who may not manage the channel is refused before anything changes", async () => {
    t.stand.dispatch(
      "INTERACTION_CREATE",
      slashCommand({
        id: "910000000000000004",
        channel: CH.open,
        name: "autocaption",
        options: [{ name: "mode", type: 3, value: "on" }],
        roles: [MEMBER_ROLE_ID],
        permissions: "1024", // view channel only
      }),
    );
    const data = (await callbackOf("910000000000000004"))?.json?.data as { content?: string; flags?: number };
    expect(data.content).toBe("⚠️ You need the Manage Channels permission to switch auto-captions.");
    expect((data.flags ?? 0) & 64).toBe(64);
    expect(t.webhookEdits("910000000000000004")).toEqual([]);
  });

  it("a thread counts as its channel: a mention in a thread of an allowed channel is answered", async () => {
    const thread = "410000000000000009";
    t.stand.dispatch("THREAD_CREATE", {
      id: thread,
      guild_id: GUILD_ID,
      parent_id: CH.open,
      type: 11,
      name: "a thread",
      owner_id: HUMAN.id,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: new Date().toISOString(),
        locked: false,
      },
      newly_created: true,
    });
    await waitFor(
      () => t.discord.client.channels.cache.has(thread),
      5000,
      "the thread in discord.js's cache",
    );
    mention({ id: "810000000000000009", channel: thread, roles: [MEMBER_ROLE_ID] });
    await waitFor(() => t.sentTo(thread).length > 0, 10_000, "the answer in the thread");
    expect(t.sentTo(thread)[0]?.json?.message_reference).toEqual(
      expect.objectContaining({ message_id: "810000000000000009" }),
    );
  });

  it("a DM, with allowlists set and DMs not allowed, is told so in the DM; nothing is fetched", async () => {
    const dm = "410000000000000099";
    const att = t.stand.attachment("710000000000000099", "red.png", Buffer.from("never fetched"));
    t.stand.dispatch(
      "MESSAGE_CREATE",
      directMessage({ id: "810000000000000099", channel: dm, content: "what is this?", attachments: [att] }),
    );
    await waitFor(() => t.sentTo(dm).length > 0, 10_000, "the answer in the DM");
    expect(t.stand.messagesIn(dm).map((m) => m.content)).toEqual([
      "⚠️ I don't answer direct messages here. Ask me in a server channel where I'm enabled.",
    ]);
    expect(t.stand.requests.some((r) => r.path.includes(`/cdn/attachments/${att.id}/`))).toBe(false);
  });

  it("mentions: quiet where the bot is not enabled; a reply saying why to a member without the role", async () => {
    mention({ id: "810000000000000001", channel: CH.closed, roles: [MEMBER_ROLE_ID] });
    mention({ id: "810000000000000002", channel: CH.open, roles: [] });
    await waitFor(() => t.sentTo(CH.open).length > 0, 10_000, "the refusal");
    const replies = t.stand
      .messagesIn(CH.open)
      .filter(
        (m) =>
          (m.message_reference as { message_id?: string } | undefined)?.message_id === "810000000000000002",
      );
    expect(replies.map((m) => m.content)).toEqual([
      "⚠️ Only members with one of the roles allowed to use me can ask me here.",
    ]);
    // Events are handled in order, so the closed channel's mention has been dealt with: silently.
    await new Promise((r) => setTimeout(r, 500));
    expect(t.sentTo(CH.closed)).toEqual([]);
    expect(t.sentTo(CH.open)).toHaveLength(1);
  });
});
