import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateRequest, ModelPort } from "../../../src/core/model-port.js";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { tinyModelPort } from "../../helpers/tiny-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { HUMAN, memberMessage } from "./payloads.js";
import { BOT_ID } from "./stand-in.js";

/**
 * Issue 28, item 13 on Discord: while a request waits and runs, the channel shows the bot typing
 * (renewed before Discord's 10 s run out); the "Working on it…" reply comes before the photo is
 * even downloaded; and an answer that came late pings the asker once, and nobody else.
 */
const CH = { slow: "520000000000000001", quick: "520000000000000002" };
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix: uniquePrefix("discord-feedback"),
    channels: Object.values(CH),
    config: { conversation: { notifyAfterS: 7 } },
  });
}, 60_000);

afterAll(() => t?.close());

const typings = (channel: string) =>
  t.stand.requests.filter((r) => r.method === "POST" && r.path === `/channels/${channel}/typing`);

const repliesTo = (channel: string, id: string) =>
  t.stand
    .messagesIn(channel)
    .filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === id);

async function ask(channel: string, id: string, colour: "red" | "blue") {
  const att = t.stand.attachment(`9${id.slice(1)}`, `${colour}.png`, await colourPhoto(colour));
  t.stand.dispatch(
    "MESSAGE_CREATE",
    memberMessage({
      id,
      channel,
      content: `<@${BOT_ID}> what colour?`,
      attachments: [att],
      mentionBot: true,
    }),
  );
  return att;
}

/** The answer once its Stop is gone. */
async function answered(channel: string, id: string) {
  await waitFor(
    () => repliesTo(channel, id).some((m) => ((m.components as unknown[] | undefined) ?? []).length === 0),
    30_000,
    `the answer to ${id}`,
  );
  return repliesTo(channel, id)[0];
}

describe("Discord: feedback while a request waits and runs", () => {
  it("replies before downloading, keeps typing until the answer, and pings the asker once when it came late", async () => {
    const tiny = await tinyModelPort();
    // The model holds the answer until the typing has been renewed once (Discord's lasts ~10 s).
    const held: ModelPort = {
      id: "held",
      load: () => tiny.load(),
      dispose: async () => {},
      async generate(r: GenerateRequest) {
        while (typings(CH.slow).length < 2) await new Promise((res) => setTimeout(res, 100));
        return tiny.generate(r);
      },
    };
    t.setOverride(held);
    try {
      const question = "530000000000000001";
      const att = await ask(CH.slow, question, "red");
      const answer = await answered(CH.slow, question);
      expect(answer?.content).toBe("red");

      const order = t.stand.arrivals;
      const placeholder = order.indexOf(`POST /channels/${CH.slow}/messages`);
      const download = order.findIndex((a) => a.startsWith(`GET /cdn/attachments/${att.id}/`));
      expect(placeholder).toBeGreaterThanOrEqual(0);
      // "Working on it…" is on screen before the photo is fetched, let alone decoded.
      expect(placeholder).toBeLessThan(download);
      // Typing right after it (posting ends any typing shown), and renewed while the answer ran.
      expect(order.indexOf(`POST /channels/${CH.slow}/typing`)).toBeGreaterThan(placeholder);
      expect(typings(CH.slow).length).toBeGreaterThanOrEqual(2);

      // The late answer brings one ping, replying to the answer, for the asker alone.
      await waitFor(() => repliesTo(CH.slow, String(answer?.id)).length > 0, 10_000, "the ping");
      const pings = t.stand.requests.filter(
        (r) =>
          r.method === "POST" && ((r.json?.allowed_mentions as { users?: string[] })?.users ?? []).length > 0,
      );
      expect(pings).toHaveLength(1);
      expect(pings[0]?.json).toMatchObject({
        content: `<@${HUMAN.id}> your answer is ready.`,
        allowed_mentions: { parse: [], users: [HUMAN.id] },
        message_reference: { message_id: answer?.id },
      });
    } finally {
      t.setOverride(undefined);
    }
  }, 60_000);

  it("a quick answer pings nobody, and its typing starts after the reply", async () => {
    const question = "530000000000000002";
    await ask(CH.quick, question, "blue");
    expect((await answered(CH.quick, question))?.content).toBe("blue");
    const order = t.stand.arrivals;
    expect(order.indexOf(`POST /channels/${CH.quick}/typing`)).toBeGreaterThan(
      order.indexOf(`POST /channels/${CH.quick}/messages`),
    );
    const posted = t.stand.requests.filter(
      (r) => r.method === "POST" && r.path === `/channels/${CH.quick}/messages`,
    );
    expect(posted).toHaveLength(1); // the reply that became the answer, no ping
    expect(posted[0]?.json?.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });
});
