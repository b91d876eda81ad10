import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, sendSigned, slackFile } from "./harness.js";

/**
 * The photo stays in the conversation on a real Bolt app: a follow-up in the bot's thread is
 * about the thread's newest photo, and a mention just after one's own upload is about that
 * upload. The tiny model names the mean colour of what it is shown, so the colour proves which.
 */
let t: SlackUnderTest;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-conv"),
    files: {
      FRED: await colourPhoto("red"),
      FGREEN: await colourPhoto("green"),
      FBLUE: await colourPhoto("blue"),
    },
  });
}, 60_000);

afterAll(() => t?.close());

/** The bot's finished answer in a thread (the placeholder, once it no longer says it is working). */
async function answerIn(channel: string, thread: string): Promise<string> {
  let text: string | undefined;
  await waitFor(
    () => {
      text = [...t.api.posted.values()].find(
        (m) => m.channel === channel && m.thread_ts === thread && !String(m.text).startsWith("⏳"),
      )?.text;
      return text !== undefined;
    },
    20_000,
    `the answer in ${channel}`,
  );
  return String(text);
}

describe("Slack: the photo stays in the conversation", () => {
  it("a follow-up in the bot's thread without an image is about the thread's newest photo", async () => {
    const root = "1700000201.000100";
    const followUp = "1700000201.000400";
    t.api.replies.set(root, [
      {
        ts: root,
        user: "U1",
        text: "<@UBOT> what is this?",
        files: [slackFile(t.api.url, "FRED", "car.png")],
      },
      { ts: "1700000201.000200", bot_id: "BBOT", user: "UBOT", thread_ts: root, text: "red" },
      {
        ts: "1700000201.000300",
        user: "U1",
        thread_ts: root,
        text: "and the other one",
        files: [slackFile(t.api.url, "FGREEN", "van.png")],
      },
      { ts: followUp, user: "U1", thread_ts: root, text: "<@UBOT> what colour is it?" },
    ]);
    await sendSigned(
      t.base,
      mentionEvent("EvConv1", "CC1", followUp, [], "<@UBOT> what colour is it?", { thread_ts: root }),
    );
    expect(await answerIn("CC1", root)).toBe("green");
  });

  it("a mention in the channel after the member's upload, without an image, is about that upload and says so", async () => {
    const now = Date.now() / 1000;
    const asked = `${Math.floor(now)}.000200`;
    t.api.history.set("CC2", [
      { user: "U2", ts: `${Math.floor(now) - 5}.000100`, files: [slackFile(t.api.url, "FRED", "other.png")] },
      {
        user: "U1",
        ts: `${Math.floor(now) - 120}.000100`,
        files: [slackFile(t.api.url, "FBLUE", "sign.png")],
      },
    ]);
    await sendSigned(t.base, mentionEvent("EvConv2", "CC2", asked, [], "<@UBOT> what colour is it?"));
    expect(await answerIn("CC2", asked)).toBe("About your photo from 2 minutes ago (sign.png):\n\nblue");
  });

  it("with no upload of the member's in the last conversation.recentImageMinutes, asks for an image", async () => {
    const now = Math.floor(Date.now() / 1000);
    const asked = `${now}.000300`;
    t.api.history.set("CC3", [
      { user: "U1", ts: `${now - 11 * 60}.000100`, files: [slackFile(t.api.url, "FBLUE", "old.png")] },
    ]);
    await sendSigned(t.base, mentionEvent("EvConv3", "CC3", asked, [], "<@UBOT> what colour is it?"));
    expect(await answerIn("CC3", asked)).toMatch(/attach an image/);
  });

  it("in a DM, 'shorter' after an alt text is about the same photo and that alt text (journey 3.3)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const asked = `${now}.000300`;
    const altText = "A red car parked in front of a white wall on a sunny street.";
    t.api.history.set("DCONV", [
      {
        user: "U7",
        ts: `${now - 70}.000100`,
        text: "alt text for this please",
        files: [slackFile(t.api.url, "FRED", "car.png")],
      },
      { user: "UBOT", bot_id: "BBOT", ts: `${now - 65}.000100`, text: altText },
      // Someone's thread inside the DM is its own conversation.
      { user: "U7", ts: `${now - 30}.000100`, thread_ts: `${now - 65}.000100`, text: "in a thread" },
    ]);
    const model = scriptedModel(["A red car by a white wall."]);
    t.setOverride(model);
    try {
      await sendSigned(t.base, {
        type: "event_callback",
        team_id: "T1",
        event_id: "EvConvDm",
        event: {
          type: "message",
          channel_type: "im",
          user: "U7",
          channel: "DCONV",
          ts: asked,
          text: "shorter",
        },
      });
      await waitFor(
        () =>
          [...t.api.posted.values()].some(
            (m) => m.channel === "DCONV" && m.text === "A red car by a white wall.",
          ),
        20_000,
        "the DM answer",
      );
    } finally {
      t.setOverride(undefined);
    }
    const request = model.requests.at(-1);
    const turns = request?.messages.filter((m) => m.role !== "system") ?? [];
    expect(turns.map((m) => [m.role, m.content, m.imageCount ?? 0])).toEqual([
      ["user", "alt text for this please", 1],
      ["assistant", altText, 0],
      ["user", "shorter", 0],
    ]);
    // The photo the model sees is the DM's red one.
    const { channels } = await sharp(request?.images[0]?.bytes).stats();
    expect(channels[0]?.mean).toBeGreaterThan(200);
    expect(channels[2]?.mean).toBeLessThan(60);
    // Answered in the DM itself, not in a thread.
    const answer = [...t.api.posted.values()].find(
      (m) => m.channel === "DCONV" && m.text === "A red car by a white wall.",
    );
    expect(answer?.thread_ts).toBeUndefined();
  });
});
