import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { newRedis, uniquePrefix } from "../../helpers/redis.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { autocaptionOn, memberMessage } from "./payloads.js";
import { BOT_ID } from "./stand-in.js";
import { PERMISSION } from "./stand-in-limits.js";

/**
 * Journey 4.1 with captions in threads (discord.autocaptionIn: thread): what the bot needs is to
 * open a thread on the photo and send in it, so those are the permissions it names.
 */
const CH = { art: "461000000000000001", configured: "461000000000000002", open: "461000000000000003" };
const prefix = uniquePrefix("discord-autocaption-threads");
const redis = newRedis();
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix,
    channels: Object.values(CH),
    discord: { autocaptionChannels: [CH.configured, CH.open], autocaptionIn: "thread" },
    limits: {
      overwrites: {
        [CH.configured]: [
          { id: BOT_ID, type: 1, allow: "0", deny: String(PERMISSION.SendMessagesInThreads) },
        ],
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  redis.disconnect();
});

describe("Discord: auto-captions in threads where the bot may not open or post in them", () => {
  it("/autocaption on names Create Public Threads and Send Messages in Threads, not Send Messages", async () => {
    const id = "961000000000000001";
    t.stand.dispatch(
      "INTERACTION_CREATE",
      autocaptionOn({
        id,
        channel: CH.art,
        missing: PERMISSION.CreatePublicThreads | PERMISSION.SendMessagesInThreads,
      }),
    );
    const callback = () => t.stand.requests.find((r) => r.path.startsWith(`/interactions/${id}/`));
    await waitFor(() => callback() !== undefined, 10_000, "the answer");
    expect(callback()?.json).toMatchObject({
      type: 4,
      data: {
        content:
          "⚠️ Auto-captions are not on: I'm missing the Create Public Threads and Send Messages in Threads permissions in this channel, so I couldn't post them. Give them to me, then run /autocaption on again.",
        flags: 64,
      },
    });
    expect(await redis.sismember(`${prefix}:setting:discord:autocaption`, CH.art)).toBe(0);
  });

  it("an image where the bot may not send in threads is not fetched; elsewhere the caption is in its thread", async () => {
    const blocked = t.stand.attachment("761000000000000001", "red.png", await colourPhoto("red"));
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: "861000000000000001",
        channel: CH.configured,
        content: "",
        attachments: [blocked],
      }),
    );
    const ok = t.stand.attachment("761000000000000002", "green.png", await colourPhoto("green"));
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({ id: "861000000000000002", channel: CH.open, content: "", attachments: [ok] }),
    );
    await waitFor(() => t.stand.messagesIn("861000000000000002").length > 0, 30_000, "the caption's thread");
    expect(t.stand.requests.some((r) => r.path.includes(`/cdn/attachments/${blocked.id}/`))).toBe(false);
    expect(t.stand.requests.filter((r) => r.path.startsWith(`/channels/${CH.configured}/`))).toEqual([]);
  }, 40_000);
});
