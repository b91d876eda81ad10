import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel, scriptedModel } from "../../helpers/scripted-model.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { buttonClick, mentionEvent, sendSigned, slackFile } from "./harness.js";
import type { StandIn } from "./stand-in.js";

/** Streaming into the placeholder, Stop, and threads as conversations, through the real Bolt app. */
let t: SlackUnderTest;
let api: StandIn;
let base: string;
let setOverride: SlackUnderTest["setOverride"] = () => {};

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-stream"),
    slack: { admins: ["UADMIN"] },
    files: { FBLUE: await colourPhoto("blue") },
  });
  ({ api, base, setOverride } = t);
}, 60_000);

afterAll(() => t?.close());

const updatesOf = (ts: string) => api.called("chat.update").filter((c) => c.args.ts === ts);
const placeholderIn = (channel: string) =>
  [...api.posted.values()].find((m) => m.channel === channel && Array.isArray(m.blocks));
const hasStop = (blocks: unknown, requestId: string) =>
  JSON.stringify(blocks).includes(`"action_id":"stop"`) && JSON.stringify(blocks).includes(requestId);

describe("Slack answers stream into the placeholder", () => {
  it("a mention's placeholder shows growing text at most once a second, then the whole answer once", async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i + 1}`);
    setOverride(pacedModel(words, 100));
    try {
      await sendSigned(
        base,
        mentionEvent("EvStream", "CS1", "1700000101.000100", [slackFile(api.url, "FBLUE", "b.png")]),
      );
      await waitFor(() => Boolean(placeholderIn("CS1")), 10_000, "placeholder");
      const ts = placeholderIn("CS1")?.ts ?? "";
      expect(hasStop(placeholderIn("CS1")?.blocks, "slack:EvStream")).toBe(true);
      const final = words.join(" ");
      await waitFor(() => api.posted.get(ts)?.text === final, 20_000, "the final answer");
      const partial = updatesOf(ts).filter(
        (c) => String(c.args.text).startsWith("w1") && c.args.text !== final,
      );
      expect(partial.length).toBeGreaterThanOrEqual(2);
      const lengths = partial.map((c) => String(c.args.text).length);
      expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
      for (const [n, c] of partial.entries()) {
        expect(String(c.args.text).endsWith("▌")).toBe(true);
        expect(hasStop(c.args.blocks, "slack:EvStream")).toBe(true);
        if (n > 0) expect(c.at - (partial[n - 1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
      }
      const finals = updatesOf(ts).filter((c) => c.args.text === final);
      expect(finals).toHaveLength(1);
      expect(finals[0]?.args.blocks).toEqual([]); // the Stop button goes with the last edit
      // No second message: the placeholder became the answer.
      expect([...api.posted.values()].filter((m) => m.channel === "CS1")).toHaveLength(1);
    } finally {
      setOverride(undefined);
    }
  });

  it("Stop: refused for someone else; the asker's stop aborts the generation and says Stopped.", async () => {
    const paced = pacedModel(
      Array.from({ length: 100 }, (_, i) => `s${i + 1}`),
      100,
    );
    setOverride(paced);
    try {
      await sendSigned(
        base,
        mentionEvent("EvStop", "CS2", "1700000102.000100", [slackFile(api.url, "FBLUE", "b.png")]),
      );
      await waitFor(() => Boolean(placeholderIn("CS2")), 10_000, "placeholder");
      const ts = placeholderIn("CS2")?.ts ?? "";
      await waitFor(() => String(api.posted.get(ts)?.text).startsWith("s1"), 20_000, "first words");
      const click = (user: string) =>
        sendSigned(
          base,
          buttonClick({
            user,
            channel: "CS2",
            messageTs: ts,
            threadTs: "1700000102.000100",
            actionId: "stop",
            value: "slack:EvStop",
          }),
          { form: true },
        );
      expect((await click("U2")).status).toBe(200);
      await waitFor(
        () => api.called("chat.postEphemeral").some((c) => c.args.user === "U2" && c.args.channel === "CS2"),
        5000,
        "refusal",
      );
      const refusal = api.called("chat.postEphemeral").find((c) => c.args.user === "U2");
      expect(refusal?.args.text).toBe("Only the person who asked can stop this.");
      expect(refusal?.args.thread_ts).toBe("1700000102.000100"); // shown in the thread, where the button is
      expect(paced.aborts).toBe(0);

      await click("U1");
      await waitFor(() => String(api.posted.get(ts)?.text).endsWith("Stopped."), 20_000, "Stopped.");
      expect(paced.aborts).toBe(1);
      const text = String(api.posted.get(ts)?.text);
      expect(text).toMatch(/^s1 s2 .*\n\nStopped\.$/s);
      expect(text).not.toContain("s100");
      expect(api.posted.get(ts)?.blocks).toEqual([]);
    } finally {
      setOverride(undefined);
    }
  });

  it("a follow-up in the bot's thread, without an image, carries the thread's turns and image", async () => {
    const root = "1700000103.000100";
    const model = scriptedModel(["It is a deep blue."]);
    setOverride(model);
    try {
      api.replies.set(root, [
        {
          ts: root,
          user: "U1",
          text: "<@UBOT> what colour is this?",
          files: [slackFile(api.url, "FBLUE", "sky.png")],
        },
        { ts: "1700000103.000200", bot_id: "BBOT", user: "UBOT", thread_ts: root, text: "blue" },
        { ts: "1700000103.000300", user: "U1", thread_ts: root, text: "<@UBOT> is it dark or light?" },
      ]);
      await sendSigned(
        base,
        mentionEvent("EvFollow", "CS3", "1700000103.000300", [], "<@UBOT> is it dark or light?", {
          thread_ts: root,
        }),
      );
      await waitFor(
        () => [...api.posted.values()].some((m) => m.channel === "CS3" && m.text === "It is a deep blue."),
        20_000,
        "the answer",
      );
      const asked = model.requests.at(-1);
      expect(asked?.images).toHaveLength(1); // the thread's first image, as no new one came
      const said = (asked?.messages ?? []).map((m) => `${m.role}:${m.content}`).join("\n");
      expect(said).toContain("user:what colour is this?");
      expect(said).toContain("assistant:blue");
      expect(said).toContain("is it dark or light?");
      const answer = [...api.posted.values()].find((m) => m.text === "It is a deep blue.");
      expect(answer?.thread_ts).toBe(root);
    } finally {
      setOverride(undefined);
    }
  });

  it("a mention in a thread the bot never answered in starts fresh", async () => {
    const root = "1700000104.000100";
    const model = scriptedModel(["A fresh look."]);
    setOverride(model);
    try {
      api.replies.set(root, [
        { ts: root, user: "U7", text: "holiday photos!", files: [slackFile(api.url, "FBLUE", "sea.png")] },
        { ts: "1700000104.000200", user: "U8", thread_ts: root, text: "<@UBOT> what is this?" },
      ]);
      await sendSigned(
        base,
        mentionEvent("EvFresh", "CS4", "1700000104.000200", [], "<@UBOT> what is this?", { thread_ts: root }),
      );
      await waitFor(
        () => [...api.posted.values()].some((m) => m.channel === "CS4" && !String(m.text).startsWith("⏳")),
        20_000,
        "the answer",
      );
      expect(model.requests).toHaveLength(0); // no image, no history: the bot asks for an image
      const answer = [...api.posted.values()].find((m) => m.channel === "CS4");
      expect(String(answer?.text)).toMatch(/attach an image/);
    } finally {
      setOverride(undefined);
    }
  });
});
