import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { newRedis, uniquePrefix } from "../../helpers/redis.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { ALL_PERMISSIONS, autocaptionOn, memberMessage, slashCommand } from "./payloads.js";
import { BOT_ID } from "./stand-in.js";
import { PERMISSION } from "./stand-in-limits.js";

/**
 * Journey 4.1: Lee turns auto-captions on in #art, where the bot may not post. The command says
 * which permission is missing (only Lee sees it) and switches nothing on; a channel captioned by
 * configuration where the bot may not post gets no work done and no messages; a permission taken
 * away later makes Discord refuse each caption once (50013), with no retry, DM or error id.
 */
const CH = {
  art: "460000000000000001",
  configured: "460000000000000002",
  open: "460000000000000003",
  revoked: "460000000000000004",
};
const deny = (bit: bigint) => [{ id: BOT_ID, type: 1 as const, allow: "0", deny: String(bit) }];
/** Lee, a moderator: Manage Channels besides what everyone may do. */
const LEE = String(BigInt(ALL_PERMISSIONS) | PermissionFlagsBits.ManageChannels);
const prefix = uniquePrefix("discord-autocaption-perm");
const redis = newRedis();
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix,
    channels: Object.values(CH),
    discord: { autocaptionChannels: [CH.configured, CH.open, CH.revoked] },
    limits: {
      overwrites: {
        [CH.art]: deny(PERMISSION.SendMessages),
        [CH.configured]: deny(PERMISSION.SendMessages),
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  redis.disconnect();
});

async function photo(id: string, channel: string, colour: "red" | "green" | "blue") {
  const att = t.stand.attachment(`7${id.slice(1)}`, `${colour}.png`, await colourPhoto(colour));
  t.stand.dispatch("MESSAGE_CREATE", memberMessage({ id, channel, content: "", attachments: [att] }));
  return att;
}

const fetched = (attachmentId: string) =>
  t.stand.requests.some((r) => r.path.includes(`/cdn/attachments/${attachmentId}/`));

/** DMs the bot opened, to anyone. */
const dms = () => t.stand.requests.filter((r) => r.path === "/users/@me/channels");

describe("Discord: auto-captions where the bot may not post", () => {
  it("/autocaption on names the missing permission, only to Lee, and switches nothing on", async () => {
    const id = "960000000000000001";
    t.stand.dispatch(
      "INTERACTION_CREATE",
      autocaptionOn({ id, channel: CH.art, missing: PERMISSION.SendMessages }),
    );
    const callback = () => t.stand.requests.find((r) => r.path.startsWith(`/interactions/${id}/`));
    await waitFor(() => callback() !== undefined, 10_000, "the answer");
    expect(callback()?.json).toMatchObject({
      type: 4,
      data: {
        content:
          "⚠️ Auto-captions are not on: I'm missing the Send Messages permission in this channel, so I couldn't post them. Give it to me, then run /autocaption on again.",
        flags: 64,
      },
    });
    expect(await redis.sismember(`${prefix}:setting:discord:autocaption`, CH.art)).toBe(0);
    // Turning them off needs nothing from the channel.
    const off = "960000000000000002";
    t.stand.dispatch(
      "INTERACTION_CREATE",
      slashCommand({
        id: off,
        channel: CH.art,
        name: "autocaption",
        options: [{ name: "mode", type: 3, value: "off" }],
        permissions: LEE,
        appPermissions: String(BigInt(ALL_PERMISSIONS) & ~PERMISSION.SendMessages),
      }),
    );
    await waitFor(
      () => t.webhookEdits(off).some((r) => r.json?.content === "Auto-captions are off for this channel."),
      10_000,
      "the answer to off",
    );
  });

  it("an image where captions are configured but the bot may not post is not even fetched", async () => {
    const blocked = await photo("860000000000000001", CH.configured, "red");
    // A second image, in a channel where it may post, is captioned: the first was handled by then.
    await photo("860000000000000002", CH.open, "green");
    await waitFor(() => t.stand.messagesIn(CH.open).length > 0, 30_000, "the caption in the open channel");
    expect(fetched(blocked.id)).toBe(false);
    expect(t.sentTo(CH.configured)).toEqual([]);
  }, 40_000);

  it("a permission taken away later: each caption is refused once by Discord, nothing retried or said", async () => {
    // The client's cache still says it may post; Discord's REST API knows better.
    t.stand.limits.overwrites[CH.revoked] = deny(PERMISSION.SendMessages);
    await photo("860000000000000003", CH.revoked, "blue");
    await photo("860000000000000004", CH.revoked, "red");
    await waitFor(() => t.sentTo(CH.revoked).length >= 2, 30_000, "both captions tried");
    // A later caption elsewhere arrives, so the delivery worker has moved on.
    await photo("860000000000000005", CH.open, "blue");
    await waitFor(() => t.stand.messagesIn(CH.open).length > 1, 30_000, "the next caption");
    const tried = t.sentTo(CH.revoked);
    expect(tried.map((r) => r.status)).toEqual([403, 403]);
    expect(
      tried.map((r) => (r.json?.message_reference as { message_id?: string } | undefined)?.message_id).sort(),
    ).toEqual(["860000000000000003", "860000000000000004"]);
    expect(dms()).toEqual([]);
    expect(t.stand.messagesIn(CH.open).map((m) => String(m.content))).not.toContain(
      expect.stringMatching(/error id/i),
    );
  }, 60_000);
});
