import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto, fixture } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import {
  ALL_PERMISSIONS,
  BOT_USER,
  componentClick,
  describePhoto,
  HUMAN,
  memberMessage,
  slashCommand,
} from "./payloads.js";
import { BOT_ID, GUILD_ID, type Recorded } from "./stand-in.js";

const CH = {
  mention: "400000000000000001",
  describe: "400000000000000002",
  post: "400000000000000003",
  caption: "400000000000000004",
  hostile: "400000000000000005",
  bad: "400000000000000006",
  links: "400000000000000007",
};
/** A masked link whose words name one address and whose target is another. */
const PHISH = "[https://slack.com/signin](https://evil.example/phish)";
let t: DiscordUnderTest;
let stand: DiscordUnderTest["stand"];
let setHostile: DiscordUnderTest["setHostile"] = () => {};
let setOverride: DiscordUnderTest["setOverride"] = () => {};

const human = HUMAN;
/** A member's permissions with Manage Channels, which switching auto-captions needs. */
const MANAGES_CHANNELS = String(BigInt(ALL_PERMISSIONS) | 16n);
const otherBot = {
  id: "500000000000000009",
  username: "otherbot",
  discriminator: "0",
  global_name: "otherbot",
  avatar: null,
  bot: true,
};

function messageCreate(o: Parameters<typeof memberMessage>[0]) {
  stand.dispatch("MESSAGE_CREATE", memberMessage(o));
}

function interaction(o: {
  id: string;
  channel: string;
  name: string;
  options: unknown[];
  attachments?: Record<string, unknown>;
}) {
  const dispatchedAt = Date.now();
  stand.dispatch("INTERACTION_CREATE", slashCommand(o));
  return dispatchedAt;
}

/** The id the stand-in gave the bot's message with this content. */
async function waitForBotMessageId(channel: string, content: string): Promise<string> {
  let id: string | undefined;
  await waitFor(
    () => {
      id = stand.messageIdFor(channel, content);
      return id !== undefined;
    },
    5000,
    "the bot message id",
  );
  return id ?? "";
}

const WORKING = "Working on it…";
/** The bot's replies to a message as they read now: a placeholder that became the answer. */
const answersTo = (channel: string, messageId: string) =>
  stand
    .messagesIn(channel)
    .filter((m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === messageId);
const answered = (channel: string, messageId: string) =>
  answersTo(channel, messageId).filter((m) => m.content !== WORKING);

const sentTo = (channel: string) => t.sentTo(channel);
const webhookEdits = (id: string) => t.webhookEdits(id);

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix: uniquePrefix("discord"),
    channels: Object.values(CH),
    config: { limits: { maxImageBytes: 20 * 1024 * 1024 } },
    discord: { autocaptionChannels: [CH.caption] },
    hostile: `Hey @everyone and @here, <@123456789012345678> look! Sign in at ${PHISH}`,
  });
  ({ stand, setHostile, setOverride } = t);
}, 60_000);

afterAll(() => t?.close());

function everyMessageIsMentionProof(records: Recorded[]) {
  for (const r of records) {
    if (r.json && "content" in r.json)
      expect(r.json.allowed_mentions, `${r.method} ${r.path}`).toEqual(
        expect.objectContaining({ parse: [] }),
      );
  }
}

describe("Discord adapter with a real discord.js client", () => {
  it("a mention with a photo gets exactly one answer, naming the photo's colour", async () => {
    const att = stand.attachment("700000000000000001", "blue.png", await colourPhoto("blue"));
    messageCreate({
      id: "800000000000000001",
      channel: CH.mention,
      content: `<@${BOT_ID}> what colour is this?`,
      attachments: [att],
      mentionBot: true,
    });
    await waitFor(
      () => answered(CH.mention, "800000000000000001").some((m) => m.content === "blue"),
      20_000,
      "the answer",
    );
    await new Promise((r) => setTimeout(r, 1500));
    // One reply: the placeholder, with its Stop button, became the answer without the button.
    expect(sentTo(CH.mention)).toHaveLength(1);
    expect(JSON.stringify(sentTo(CH.mention)[0]?.json?.components)).toContain(
      "stop:discord:800000000000000001",
    );
    const answers = answersTo(CH.mention, "800000000000000001");
    expect(answers).toHaveLength(1);
    expect(answers[0]?.content).toBe("blue");
    expect(answers[0]?.components).toEqual([]);
  });

  it("/describe is deferred within 3 s and then edited with the answer", async () => {
    const att = stand.attachment("700000000000000002", "red.png", await colourPhoto("red"));
    const at = interaction({
      id: "900000000000000001",
      channel: CH.describe,
      name: "describe",
      options: [{ name: "image", type: 11, value: att.id }],
      attachments: { [att.id]: att },
    });
    await waitFor(
      () => stand.requests.some((r) => r.path.startsWith("/interactions/900000000000000001/")),
      5000,
      "the deferral",
    );
    const callback = stand.requests.find((r) => r.path.startsWith("/interactions/900000000000000001/"));
    expect(callback?.json?.type).toBe(5);
    expect((callback?.at ?? Number.POSITIVE_INFINITY) - at).toBeLessThan(3000);
    await waitFor(
      () => webhookEdits("900000000000000001").some((r) => r.json?.content === "red"),
      20_000,
      "the answer edit",
    );
    for (const edit of webhookEdits("900000000000000001"))
      expect(edit.at).toBeGreaterThanOrEqual(callback?.at ?? 0);
  });

  it("/post returns the prepared image with alt text and the captions", async () => {
    const att = stand.attachment("700000000000000003", "frisbee.jpg", fixture("frisbee.jpg"), "image/jpeg");
    interaction({
      id: "900000000000000002",
      channel: CH.post,
      name: "post",
      options: [
        { name: "image", type: 11, value: att.id },
        { name: "platform", type: 3, value: "instagram" },
        { name: "tone", type: 3, value: "playful" },
      ],
      attachments: { [att.id]: att },
    });
    await waitFor(
      () => webhookEdits("900000000000000002").some((r) => r.files.length > 0),
      30_000,
      "the post",
    );
    const edit = webhookEdits("900000000000000002").find((r) => r.files.length > 0);
    expect(edit?.files[0]?.name).toBe("post-instagram.jpg");
    const described = (edit?.json?.attachments ?? []) as { description?: string }[];
    expect(described[0]?.description).toBe("Green");
    expect(String(edit?.json?.content)).toMatch(/Instagram feed post, \d captions?/);
  });

  it("an auto-caption channel captions an upload once and ignores bots", async () => {
    const att = stand.attachment("700000000000000004", "lawn.png", await colourPhoto("green"));
    messageCreate({ id: "800000000000000004", channel: CH.caption, content: "", attachments: [att] });
    messageCreate({ id: "800000000000000004", channel: CH.caption, content: "", attachments: [att] }); // the same event again
    const botAtt = stand.attachment("700000000000000005", "bot.png", await colourPhoto("red"));
    messageCreate({
      id: "800000000000000005",
      channel: CH.caption,
      content: "",
      attachments: [botAtt],
      author: otherBot,
    });
    await waitFor(() => sentTo(CH.caption).length > 0, 20_000, "the caption");
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentTo(CH.caption)).toHaveLength(1);
    expect(String(sentTo(CH.caption)[0]?.json?.content)).toMatch(/green/);
    expect((sentTo(CH.caption)[0]?.json?.message_reference as { message_id?: string })?.message_id).toBe(
      "800000000000000004",
    );
  });

  it("an upload in an auto-caption channel that cannot be read gets one sentence saying why, not silence", async () => {
    const photo = fixture("frisbee.jpg");
    const att = stand.attachment("700000000000000006", "cut.jpg", photo.subarray(0, photo.length / 3));
    messageCreate({ id: "800000000000000006", channel: CH.caption, content: "", attachments: [att] });
    messageCreate({ id: "800000000000000006", channel: CH.caption, content: "", attachments: [att] }); // the same event again
    const replies = () =>
      sentTo(CH.caption).filter(
        (r) =>
          (r.json?.message_reference as { message_id?: string } | undefined)?.message_id ===
          "800000000000000006",
      );
    await waitFor(() => replies().length > 0, 20_000, "the refusal");
    await new Promise((r) => setTimeout(r, 1000));
    expect(replies()).toHaveLength(1);
    expect(String(replies()[0]?.json?.content)).toBe(
      "⚠️ That image looks damaged or incomplete. Please upload it again.",
    );
  });

  it("a message with more photos than one request may carry is still captioned, from its first photo", async () => {
    const colours = ["blue", "red", "red", "red", "red", "red"] as const;
    const atts = await Promise.all(
      colours.map(async (c, n) =>
        stand.attachment(`70000000000000011${n}`, `${c}-${n}.png`, await colourPhoto(c)),
      ),
    );
    messageCreate({ id: "800000000000000011", channel: CH.caption, content: "", attachments: atts });
    const caption = () =>
      sentTo(CH.caption).find(
        (r) =>
          (r.json?.message_reference as { message_id?: string } | undefined)?.message_id ===
          "800000000000000011",
      );
    await waitFor(() => caption() !== undefined, 20_000, "the caption");
    expect(String(caption()?.json?.content)).toMatch(/blue/);
  });

  it("/autocaption off in a channel the configuration captions says so instead of pretending", async () => {
    const id = "810000000000000021";
    stand.dispatch(
      "INTERACTION_CREATE",
      slashCommand({
        id,
        channel: CH.caption,
        name: "autocaption",
        options: [{ name: "mode", type: 3, value: "off" }],
        permissions: MANAGES_CHANNELS,
      }),
    );
    await waitFor(() => webhookEdits(id).length > 0, 10_000, "the answer");
    const said = String(webhookEdits(id).at(-1)?.json?.content);
    expect(said).toMatch(/configuration \(discord\.autocaptionChannels\)/);
    expect(said).not.toMatch(/are off/);
  });

  it("model output containing @everyone pings nobody", async () => {
    setHostile(true);
    try {
      const att = stand.attachment("700000000000000006", "x.png", await colourPhoto("white"));
      messageCreate({
        id: "800000000000000006",
        channel: CH.hostile,
        content: `<@${BOT_ID}> say hi`,
        attachments: [att],
        mentionBot: true,
      });
      await waitFor(
        () => answered(CH.hostile, "800000000000000006").some((m) => String(m.content).includes("@everyone")),
        20_000,
        "the answer",
      );
    } finally {
      setHostile(false);
    }
    expect(String(answered(CH.hostile, "800000000000000006")[0]?.content)).toContain("@everyone");
    const sent = stand.requests.filter(
      (r) => r.path.startsWith(`/channels/${CH.hostile}/messages`) && r.json,
    );
    expect(sent.length).toBeGreaterThanOrEqual(2); // the placeholder and the answer drawn into it
    for (const r of sent) expect(r.json?.allowed_mentions).toEqual(expect.objectContaining({ parse: [] }));
  });

  it("a masked link from the model shows where it goes, and no link in model text unfurls", async () => {
    setHostile(true);
    try {
      const att = stand.attachment("700000000000000012", "x.png", await colourPhoto("white"));
      messageCreate({
        id: "800000000000000012",
        channel: CH.links,
        content: `<@${BOT_ID}> where do I sign in?`,
        attachments: [att],
        mentionBot: true,
      });
      await waitFor(
        () => answered(CH.links, "800000000000000012").some((m) => String(m.content).includes("evil")),
        20_000,
        "the answer",
      );
    } finally {
      setHostile(false);
    }
    const sent = stand.requests.filter((r) => r.path.startsWith(`/channels/${CH.links}/messages`) && r.json);
    const answer = sent.filter((r) => String(r.json?.content).includes("evil"));
    expect(answer.length).toBeGreaterThan(0);
    for (const r of answer) {
      expect(String(r.json?.content)).toContain("https://slack.com/signin (https://evil.example/phish)");
      expect(String(r.json?.content)).not.toContain("](");
    }
    // Every message of the answer, the placeholder included, asks Discord for no link previews.
    for (const r of sent)
      expect(Number(r.json?.flags) & MessageFlags.SuppressEmbeds, `${r.method} ${r.path}`).not.toBe(0);
  });

  it("a 30 MB attachment and a non-image get friendly errors", async () => {
    const huge = stand.attachment(
      "700000000000000007",
      "huge.png",
      Buffer.alloc(30 * 1024 * 1024, 1),
      "image/png",
      1024,
    );
    messageCreate({
      id: "800000000000000007",
      channel: CH.bad,
      content: `<@${BOT_ID}> look`,
      attachments: [huge],
      mentionBot: true,
    });
    const text = stand.attachment(
      "700000000000000008",
      "notes.png",
      Buffer.from("just text pretending to be a png"),
    );
    messageCreate({
      id: "800000000000000008",
      channel: CH.bad,
      content: `<@${BOT_ID}> and this?`,
      attachments: [text],
      mentionBot: true,
    });
    // Each reply opened before the download says what went wrong in place of "Working on it…".
    const said = () => stand.messagesIn(CH.bad).map((m) => String(m.content));
    await waitFor(() => said().filter((c) => c.startsWith("⚠️")).length >= 2, 20_000, "two friendly errors");
    const contents = said();
    expect(contents.some((c) => /larger than the 20 MB limit/.test(c))).toBe(true);
    expect(contents.some((c) => /not an image I can read/.test(c))).toBe(true);
    for (const c of contents) expect(c).not.toMatch(/\bat .*\.ts:\d+|Error:/);
  });

  it("replying to the bot's answer continues the conversation with the reply chain as history", async () => {
    const att = stand.attachment("700000000000000009", "black.png", await colourPhoto("black"));
    messageCreate({
      id: "800000000000000009",
      channel: CH.mention,
      content: `<@${BOT_ID}> and this one?`,
      attachments: [att],
      mentionBot: true,
    });
    await waitFor(
      () => answered(CH.mention, "800000000000000009").some((m) => m.content === "black"),
      20_000,
      "the first answer",
    );
    const botAnswerId = await waitForBotMessageId(CH.mention, "black");
    stand.dispatch("MESSAGE_CREATE", {
      id: "800000000000000010",
      channel_id: CH.mention,
      guild_id: GUILD_ID,
      author: human,
      member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
      content: `<@${BOT_ID}> are you sure?`,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [BOT_USER],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 19,
      flags: 0,
      message_reference: { type: 0, message_id: botAnswerId, channel_id: CH.mention, guild_id: GUILD_ID },
    });
    // With no image of its own and no history, the engine would ask for an image; an answer proves the chain was used.
    await waitFor(
      () => answered(CH.mention, "800000000000000010").some((m) => (m.components as unknown[]).length === 0),
      20_000,
      "the follow-up answer",
    );
    expect(String(answered(CH.mention, "800000000000000010")[0]?.content)).not.toMatch(/attach an image/);
  });

  it("/describe streams: the deferred reply shows growing text at most once a second, then the whole answer", async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i + 1}`);
    setOverride(pacedModel(words, 100));
    try {
      stand.dispatch(
        "INTERACTION_CREATE",
        await describePhoto(stand, { id: "900000000000000041", channel: CH.describe, colour: "red" }),
      );
      const final = words.join(" ");
      await waitFor(
        () => webhookEdits("900000000000000041").some((r) => r.json?.content === final),
        20_000,
        "final",
      );
      const edits = webhookEdits("900000000000000041");
      const partial = edits.filter(
        (r) => String(r.json?.content ?? "").startsWith("w1") && r.json?.content !== final,
      );
      expect(partial.length).toBeGreaterThanOrEqual(2);
      const lengths = partial.map((r) => String(r.json?.content).length);
      expect([...lengths].sort((a, b) => a - b)).toEqual(lengths); // growing
      for (const [n, r] of partial.entries()) {
        if (n > 0) expect(r.at - (partial[n - 1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
        expect(JSON.stringify(r.json?.components)).toContain('"custom_id":"stop:discord:900000000000000041"');
      }
      const last = edits.find((r) => r.json?.content === final);
      expect(last?.json?.components).toEqual([]);
      expect(edits.filter((r) => r.json?.content === final)).toHaveLength(1);
    } finally {
      setOverride(undefined);
    }
  });

  it("a mention's answer streams into its reply, at most one edit a second, then the whole answer", async () => {
    const words = Array.from({ length: 30 }, (_, i) => `m${i + 1}`);
    setOverride(pacedModel(words, 100));
    try {
      const att = stand.attachment("700000000000000043", "red.png", await colourPhoto("red"));
      messageCreate({
        id: "800000000000000043",
        channel: CH.describe,
        content: `<@${BOT_ID}> describe this`,
        attachments: [att],
        mentionBot: true,
      });
      const final = words.join(" ");
      await waitFor(
        () => answersTo(CH.describe, "800000000000000043").some((m) => m.content === final),
        20_000,
        "the whole answer",
      );
      const reply = answersTo(CH.describe, "800000000000000043")[0];
      const edits = stand.requests.filter(
        (r) => r.method === "PATCH" && r.path === `/channels/${CH.describe}/messages/${reply?.id}`,
      );
      const partial = edits.filter((r) => String(r.json?.content ?? "").endsWith("▌"));
      expect(partial.length).toBeGreaterThanOrEqual(2);
      const lengths = partial.map((r) => String(r.json?.content).length);
      expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
      for (const [n, r] of partial.entries()) {
        if (n > 0) expect(r.at - (partial[n - 1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
        expect(JSON.stringify(r.json?.components)).toContain('"custom_id":"stop:discord:800000000000000043"');
      }
      expect(edits.filter((r) => r.json?.content === final)).toHaveLength(1);
      expect(reply?.components).toEqual([]);
      expect(answersTo(CH.describe, "800000000000000043")).toHaveLength(1);
    } finally {
      setOverride(undefined);
    }
  });

  it("Stop: refused for someone else, and the asker's stop aborts the generation and says Stopped.", async () => {
    const paced = pacedModel(
      Array.from({ length: 100 }, (_, i) => `s${i + 1}`),
      100,
    );
    setOverride(paced);
    try {
      stand.dispatch(
        "INTERACTION_CREATE",
        await describePhoto(stand, { id: "900000000000000042", channel: CH.describe, colour: "red" }),
      );
      await waitFor(
        () => webhookEdits("900000000000000042").some((r) => String(r.json?.content ?? "").startsWith("s1")),
        20_000,
        "first words",
      );
      const click = (id: string, user: typeof human, permissions: string) =>
        stand.dispatch(
          "INTERACTION_CREATE",
          componentClick({
            id,
            channel: CH.describe,
            messageId: "810000000000000042",
            customId: "stop:discord:900000000000000042",
            user,
            permissions,
          }),
        );
      const bob = { ...human, id: "500000000000000002", username: "bob", global_name: "bob" };
      click("910000000000000001", bob, "1024");
      const callback = (id: string) => stand.requests.find((r) => r.path.startsWith(`/interactions/${id}/`));
      await waitFor(() => Boolean(callback("910000000000000001")), 5000, "refusal");
      expect(callback("910000000000000001")?.json).toMatchObject({
        type: 4,
        data: { content: "Only the person who asked can stop this.", flags: 64 },
      });
      expect(paced.aborts).toBe(0);

      click("910000000000000002", human, "1024");
      await waitFor(
        () =>
          webhookEdits("900000000000000042").some((r) => String(r.json?.content ?? "").endsWith("Stopped.")),
        20_000,
        "Stopped.",
      );
      expect(paced.aborts).toBe(1);
      const stoppedText = String(webhookEdits("900000000000000042").at(-1)?.json?.content);
      expect(stoppedText).toMatch(/^s1 s2 .*\n\nStopped\.$/s);
      expect(stoppedText).not.toContain("s100");
    } finally {
      setOverride(undefined);
    }
  });

  it("every message sent carries allowed_mentions with no parse", () => {
    everyMessageIsMentionProof(stand.requests);
  });
});
