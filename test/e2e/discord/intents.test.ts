import { afterAll, describe, expect, it } from "vitest";
import { runCliAsync } from "../../helpers/cli.js";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { DISCORD_TEST_TOKEN } from "../../helpers/secrets.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { memberMessage } from "./payloads.js";
import { BOT_ID, startDiscordStandIn } from "./stand-in.js";

/** The portal's Message Content switch left off: Discord closes the gateway with 4014. */
const CHANNEL = "420000000000000001";
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("Discord without the Message Content intent", () => {
  it("start-up says in one line what to switch on (close code 4014), and exits", async () => {
    const stand = await startDiscordStandIn([CHANNEL], { messageContentIntent: false });
    cleanups.push(() => stand.close());
    const r = await runCliAsync(["discord"], {
      DISCORD_TOKEN: DISCORD_TEST_TOKEN,
      REDIS_URL: redisUrl(),
      LLAVA_BOT__REDIS__PREFIX: uniquePrefix("intent"),
      LLAVA_BOT__DISCORD__API_BASE: stand.api,
      LLAVA_BOT__OPS__METRICS_PORT: "null",
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      "llava-bot: Discord refused the Message Content intent (close code 4014): turn on Bot → Privileged Gateway Intents → Message Content in the developer portal, or set discord.messageContent: false.",
    );
  });

  it("with discord.messageContent: false it connects, and a mention with a photo is answered", async () => {
    const t: DiscordUnderTest = await startDiscordUnderTest({
      prefix: uniquePrefix("no-content"),
      channels: [CHANNEL],
      discord: { messageContent: false },
      limits: { messageContentIntent: false },
    });
    cleanups.push(() => t.close());
    const id = "820000000000000001";
    const photo = t.stand.attachment("720000000000000001", "green.png", await colourPhoto("green"));
    t.stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id,
        channel: CHANNEL,
        content: `<@${BOT_ID}> what colour?`,
        attachments: [photo],
        mentionBot: true,
      }),
    );
    await waitFor(
      () =>
        t.stand
          .messagesIn(CHANNEL)
          .some(
            (m) =>
              (m.message_reference as { message_id?: string } | undefined)?.message_id === id &&
              m.content === "green",
          ),
      20_000,
      "the answer",
    );
  });
});
