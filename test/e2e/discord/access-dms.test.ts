import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { directMessage, memberMessage } from "./payloads.js";
import { BOT_ID, MEMBER_ROLE_ID } from "./stand-in.js";

/**
 * Journey 4.3, the DM half: Lee sets the allowlists and discord.allowDirectMessages, so the server
 * is limited to one channel and role while DMs keep working, for anyone.
 */
const CH = { open: "411000000000000001", closed: "411000000000000002" };
const DM = "411000000000000099";
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix: uniquePrefix("discord-access-dms"),
    channels: Object.values(CH),
    discord: { allowedChannels: [CH.open], allowedRoles: [MEMBER_ROLE_ID], allowDirectMessages: true },
  });
}, 60_000);

afterAll(() => t?.close());

describe("Discord allowlists with DMs allowed", () => {
  it("a DM with a photo is answered in the DM, while the server stays limited", async () => {
    const att = t.stand.attachment("711000000000000001", "blue.png", await colourPhoto("blue"));
    t.stand.dispatch(
      "MESSAGE_CREATE",
      directMessage({ id: "811000000000000001", channel: DM, content: "what colour?", attachments: [att] }),
    );
    await waitFor(
      () => t.stand.messagesIn(DM).some((m) => m.content === "blue"),
      20_000,
      "the answer in the DM",
    );
    // A mention in a channel outside the list still gets nothing; the next DM shows it was handled.
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: "811000000000000002",
        channel: CH.closed,
        content: `<@${BOT_ID}> what is this?`,
        roles: [MEMBER_ROLE_ID],
        mentionBot: true,
      }),
    );
    const again = t.stand.attachment("711000000000000003", "red.png", await colourPhoto("red"));
    t.stand.dispatch(
      "MESSAGE_CREATE",
      directMessage({ id: "811000000000000003", channel: DM, content: "and this?", attachments: [again] }),
    );
    await waitFor(() => t.stand.messagesIn(DM).some((m) => m.content === "red"), 20_000, "the second answer");
    expect(t.sentTo(CH.closed)).toEqual([]);
  }, 40_000);
});
