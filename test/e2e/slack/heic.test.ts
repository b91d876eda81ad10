import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixture } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { expectOneUpright, watchTinyModel } from "../../helpers/watching-model.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile, uploadEvent } from "./harness.js";

/**
 * iPhone photos (HEIC), which Slack keeps in their original format, through the real Bolt app,
 * the queue and the engine on the tiny model.
 */
let t: SlackUnderTest;
let model: Awaited<ReturnType<typeof watchTinyModel>>;
const whole = fixture("heic-portrait.heic");

/** A file as Slack describes an iPhone upload. */
const heicFile = (id: string) => ({
  ...slackFile(t.api.url, id, `IMG_${id}.HEIC`),
  mimetype: "image/heic",
  filetype: "heic",
});

/** The bot's messages in a thread as they read now (placeholders that became answers included). */
const threaded = (channel: string, thread: string) =>
  [...t.api.posted.values()].filter(
    (m) => m.channel === channel && m.thread_ts === thread && !String(m.text).startsWith("⏳"),
  );

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-heic"),
    slack: { autocaptionChannels: ["CSOCIAL"] },
    files: {
      PORTRAIT: whole,
      PORTRAIT2: whole,
      MULTI: fixture("heic-multi.heic"),
      MULTI2: fixture("heic-multi.heic"),
      LANDSCAPE: fixture("heic-landscape.heic"),
      TRUNCATED: whole.subarray(0, whole.length / 2),
    },
  });
  model = await watchTinyModel(t.setOverride);
}, 60_000);

beforeEach(() => model.forget());

afterAll(async () => {
  await model?.close();
  await t?.close();
});

describe("HEIC photos on Slack", () => {
  it("a mention with a portrait iPhone photo is answered in its thread, and the model sees it upright", async () => {
    await t.send(mentionEvent("EvHeicPortrait", "C1", "1700000301.000100", [heicFile("PORTRAIT")]));
    // Answers are drawn as they are written: wait for the finished one.
    await waitFor(() => threaded("C1", "1700000301.000100")[0]?.text === "red", 30_000, "the answer");
    expect(threaded("C1", "1700000301.000100").map((m) => m.text)).toEqual(["red"]);
    expectOneUpright(model.seen, 1461, 2052);
  });

  it("five iPhone photos in an auto-caption channel get five captions, each in its own thread", async () => {
    // Sam's journey: HEIC uploads to #social, where auto-caption is on; none dropped. Every
    // upload is its own Slack file (its own id), two of them copies of the same photo.
    const uploads = [
      ["PORTRAIT", /red/],
      ["MULTI", /black/],
      ["LANDSCAPE", /green/],
      ["MULTI2", /black/],
      ["PORTRAIT2", /red/],
    ] as const;
    const ts = (n: number) => `1700000302.00010${n}`;
    await Promise.all(
      uploads.map(([file], n) =>
        t.send(uploadEvent(`EvHeicUpload${n}`, "CSOCIAL", ts(n), [heicFile(file)], "USAM")),
      ),
    );
    await waitFor(
      () =>
        uploads.every((_, n) => {
          const caption = threaded("CSOCIAL", ts(n))[0];
          return caption !== undefined && !String(caption.text).includes("▌");
        }),
      60_000,
      "five captions",
    );
    await new Promise((r) => setTimeout(r, 1000));
    for (const [n, [, colour]] of uploads.entries()) {
      const captions = threaded("CSOCIAL", ts(n)).map((m) => String(m.text));
      expect(captions, `upload ${n}`).toHaveLength(1);
      expect(captions[0], `upload ${n}`).toMatch(colour);
    }
    expect(model.seen).toHaveLength(5);
    expect(model.seen.filter((s) => s.width === 570 && s.height === 380)).toHaveLength(2);
    expect(model.seen.filter((s) => s.width === 640 && s.height === 428)).toHaveLength(1);
    expect(model.seen.filter((s) => s.height > s.width)).toHaveLength(2);
  });

  it("a truncated HEIC gets one plain sentence in its thread and nothing reaches the model", async () => {
    await t.send(mentionEvent("EvHeicCut", "C2", "1700000303.000100", [heicFile("TRUNCATED")]));
    await waitFor(() => threaded("C2", "1700000303.000100").length > 0, 30_000, "the refusal");
    const said = threaded("C2", "1700000303.000100").map((m) => String(m.text));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("That image looks damaged or incomplete. Please upload it again.");
    expect(said[0]).not.toMatch(/error id|Error:|\bat .*\.ts:\d+/);
    expect(model.seen).toEqual([]);
  });
});
