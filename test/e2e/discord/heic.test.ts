import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixture } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { expectOneUpright, watchTinyModel } from "../../helpers/watching-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { memberMessage, slashCommand } from "./payloads.js";
import { BOT_ID } from "./stand-in.js";

/**
 * iPhone photos (HEIC) through the real discord.js client, the queue and the engine on the tiny
 * model: uploaded as Discord keeps them (image/heic), answered about the right picture, upright.
 */
const CH = { mention: "420000000000000001", describe: "420000000000000002", caption: "420000000000000003" };
let t: DiscordUnderTest;
let stand: DiscordUnderTest["stand"];
let model: Awaited<ReturnType<typeof watchTinyModel>>;

const heic = (id: string, file: string, bytes = fixture(file)) =>
  stand.attachment(id, `IMG_${id.slice(-4)}.HEIC`, bytes, "image/heic");
const sentTo = (channel: string) => t.sentTo(channel);
const content = (r: { json?: Record<string, unknown> }) => String(r.json?.content ?? "");
const repliesTo = (channel: string, messageId: string) =>
  sentTo(channel).filter(
    (r) => (r.json?.message_reference as { message_id?: string } | undefined)?.message_id === messageId,
  );
/** The bot's reply to a message as it reads now: the placeholder edited into the answer. */
const answerTo = (channel: string, messageId: string) =>
  stand
    .messagesIn(channel)
    .filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === messageId)
    .map((m) => String(m.content))
    .find((c) => c !== "Working on it…");

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix: uniquePrefix("discord-heic"),
    channels: Object.values(CH),
    discord: { autocaptionChannels: [CH.caption] },
  });
  stand = t.stand;
  model = await watchTinyModel(t.setOverride);
}, 60_000);

beforeEach(() => model.forget());

afterAll(async () => {
  await model?.close();
  await t?.close();
});

describe("HEIC photos on Discord", () => {
  it("a mention with a portrait iPhone photo is answered about it, and the model sees it upright", async () => {
    const att = heic("710000000000000001", "heic-portrait.heic");
    stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: "810000000000000001",
        channel: CH.mention,
        content: `<@${BOT_ID}> what colour is this?`,
        attachments: [att],
        mentionBot: true,
      }),
    );
    await waitFor(() => answerTo(CH.mention, "810000000000000001") === "red", 30_000, "the answer");
    // Upright: taller than wide, in the photo's proportions (1461 × 2052), shrunk for the model.
    expectOneUpright(model.seen, 1461, 2052);
  });

  it("/describe of a HEIC holding two images describes its primary one", async () => {
    const att = heic("710000000000000002", "heic-multi.heic");
    stand.dispatch(
      "INTERACTION_CREATE",
      slashCommand({
        id: "910000000000000001",
        channel: CH.describe,
        name: "describe",
        options: [{ name: "image", type: 11, value: att.id }],
        attachments: { [att.id]: att },
      }),
    );
    await waitFor(
      () => t.webhookEdits("910000000000000001").some((r) => content(r) === "black"),
      30_000,
      "the answer edit",
    );
    expect(model.seen).toEqual([{ width: 570, height: 380 }]);
  });

  it("/post of a HEIC returns a 4:5 JPEG for Instagram, its alt text naming the photo's colour", async () => {
    const att = heic("710000000000000005", "heic-portrait.heic");
    stand.dispatch(
      "INTERACTION_CREATE",
      slashCommand({
        id: "910000000000000002",
        channel: CH.describe,
        name: "post",
        options: [
          { name: "image", type: 11, value: att.id },
          { name: "platform", type: 3, value: "instagram" },
        ],
        attachments: { [att.id]: att },
      }),
    );
    const posted = () => t.webhookEdits("910000000000000002").find((r) => r.files.length > 0);
    await waitFor(() => posted() !== undefined, 30_000, "the post");
    const file = posted()?.files[0];
    expect(file?.name).toBe("post-instagram.jpg");
    const meta = await sharp(file?.bytes).metadata();
    expect(meta.format).toBe("jpeg");
    expect((meta.width ?? 0) / (meta.height ?? 1)).toBeCloseTo(4 / 5, 2);
    const described = (posted()?.json?.attachments ?? []) as { description?: string }[];
    expect(described[0]?.description).toBe("Red");
  });

  it("an auto-caption channel captions a HEIC upload once", async () => {
    const att = heic("710000000000000003", "heic-landscape.heic");
    const upload = memberMessage({
      id: "810000000000000003",
      channel: CH.caption,
      content: "",
      attachments: [att],
    });
    stand.dispatch("MESSAGE_CREATE", upload);
    await waitFor(() => repliesTo(CH.caption, "810000000000000003").length > 0, 30_000, "the caption");
    await new Promise((r) => setTimeout(r, 1000));
    expect(repliesTo(CH.caption, "810000000000000003").map(content)).toEqual([
      expect.stringMatching(/green/i),
    ]);
    expect(model.seen).toEqual([{ width: 640, height: 428 }]);
  });

  it("a truncated HEIC gets one plain sentence and nothing reaches the model", async () => {
    const whole = fixture("heic-portrait.heic");
    const att = heic("710000000000000004", "heic-portrait.heic", whole.subarray(0, whole.length / 2));
    stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id: "810000000000000004",
        channel: CH.mention,
        content: `<@${BOT_ID}> and this one?`,
        attachments: [att],
        mentionBot: true,
      }),
    );
    // The reply opens as "Working on it…" before the download, and then says what went wrong.
    await waitFor(
      () => answerTo(CH.mention, "810000000000000004")?.startsWith("⚠️") ?? false,
      30_000,
      "the refusal",
    );
    expect(repliesTo(CH.mention, "810000000000000004")).toHaveLength(1);
    const said = answerTo(CH.mention, "810000000000000004");
    expect(said).toContain("That image looks damaged or incomplete. Please upload it again.");
    expect(said).not.toMatch(/error id|Error:|\bat .*\.ts:\d+/);
    expect(model.seen).toEqual([]);
  });
});
