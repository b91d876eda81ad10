import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateRequest, ModelPort } from "../../../src/core/model-port.js";
import { bullConnection } from "../../../src/queue/connection.js";
import { bullQueueName, jobIdFor } from "../../../src/queue/names.js";
import { colourPhoto, type SWATCHES } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { tinyModelPort } from "../../helpers/tiny-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { memberMessage } from "./payloads.js";
import { BOT_ID } from "./stand-in.js";

/**
 * Journey 2.1 on Discord (issue 28, item 4): a burst of 60 uploads in an auto-caption channel
 * while a member mentions the bot. Captions have a budget of their own: past it they wait for a
 * later window instead of being dropped, and the mention is neither refused nor queued behind
 * them. The tiny model names each photo's colour, so every caption shows whose upload it read.
 */
const CH = "470000000000000001";
const UPLOADS = 60;
const COLOURS: (keyof typeof SWATCHES)[] = ["red", "green", "blue", "white", "black"];
const QUESTION = "which colour is my photo";
let t: DiscordUnderTest;
let prefix: string;

beforeAll(async () => {
  prefix = uniquePrefix("discord-burst");
  t = await startDiscordUnderTest({
    prefix,
    channels: [CH],
    // 20 captions a window of 2 s: the burst needs three windows. People keep their 30.
    config: { limits: { backgroundRate: 20, perScopeWindowS: 2 } },
    discord: { autocaptionChannels: [CH] },
  });
}, 60_000);

afterAll(() => t?.close());

/**
 * The tiny model, whose first call (the first caption) waits for `release`, so the test can line
 * up the whole burst and the mention behind it; `order` says which kind of request each call was.
 */
async function heldModel() {
  const tiny = await tinyModelPort();
  const order: ("caption" | "mention")[] = [];
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  const model: ModelPort = {
    id: "held",
    load: () => tiny.load(),
    dispose: async () => {},
    async generate(r: GenerateRequest) {
      order.push(JSON.stringify(r.messages).includes(QUESTION) ? "mention" : "caption");
      if (order.length === 1) await held;
      return tiny.generate(r);
    },
  };
  return { model, order, release };
}

const repliesTo = (id: string) =>
  t.stand
    .messagesIn(CH)
    .filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === id);

describe("a burst of uploads in an auto-caption channel", () => {
  it("captions every upload, none dropped, and answers a mention before the waiting captions", async () => {
    const { model, order, release } = await heldModel();
    t.setOverride(model);
    const queue = new Queue(bullQueueName("requests"), {
      connection: bullConnection(redisUrl(), "queue"),
      prefix,
    });
    try {
      const uploads = Array.from({ length: UPLOADS }, (_, n) => ({
        id: String(480000000000000001n + BigInt(n)),
        colour: COLOURS[n % COLOURS.length] as keyof typeof SWATCHES,
      }));
      for (const u of uploads)
        t.stand.dispatch(
          "MESSAGE_CREATE",
          memberMessage({
            id: u.id,
            channel: CH,
            content: "",
            attachments: [
              t.stand.attachment(`9${u.id.slice(1)}`, `${u.colour}.png`, await colourPhoto(u.colour)),
            ],
          }),
        );
      // The whole burst is queued (one caption at the model, held there) before the mention comes.
      const queued = async () => {
        const c = await queue.getJobCounts("active", "wait", "prioritized", "delayed");
        return (c.active ?? 0) + (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0);
      };
      await waitFor(
        async () => order.length === 1 && (await queued()) === UPLOADS,
        60_000,
        "the burst queued",
      );
      // Past their budget, captions wait for a later window: some are delayed, none refused.
      expect((await queue.getJobCounts("delayed")).delayed).toBeGreaterThan(0);

      const mention = "490000000000000001";
      t.stand.dispatch(
        "MESSAGE_CREATE",
        memberMessage({
          id: mention,
          channel: CH,
          content: `<@${BOT_ID}> ${QUESTION}?`,
          attachments: [t.stand.attachment("491000000000000001", "red.png", await colourPhoto("red"))],
          mentionBot: true,
        }),
      );
      await waitFor(
        async () => (await queue.getJob(jobIdFor(`discord:${mention}`))) !== undefined,
        20_000,
        "the mention queued",
      );
      release();

      await waitFor(
        () => repliesTo(mention).some((m) => ((m.components as unknown[] | undefined) ?? []).length === 0),
        30_000,
        "the mention's answer",
      );
      const answer = repliesTo(mention);
      expect(answer).toHaveLength(1);
      expect(answer[0]?.content).toBe("red");
      // The model took the mention next, ahead of the 59 captions that were already waiting.
      expect(order.slice(0, 2)).toEqual(["caption", "mention"]);

      await waitFor(() => uploads.every((u) => repliesTo(u.id).length > 0), 90_000, "every caption");
      for (const u of uploads) {
        const captions = repliesTo(u.id);
        expect(captions, `caption of ${u.id}`).toHaveLength(1);
        expect(String(captions[0]?.content)).toMatch(new RegExp(`^${u.colour}\\b`, "i"));
      }
      expect(order.filter((o) => o === "caption")).toHaveLength(UPLOADS);
    } finally {
      release();
      t.setOverride(undefined);
      await queue.close();
    }
  }, 180_000);
});
