import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onlyMe } from "../../../src/bots/slack/commands.js";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { slackFile, slashCommand } from "./harness.js";

/**
 * Issue 28, item 12: a slash command's answer goes in the thread of the photo it is about, and
 * keeps saying which photo ("on red.png (2 minutes ago)"); `/describe` and `/ask` with "only me"
 * answer where only the asker sees it (the command's response_url), nothing in the channel.
 */
let t: SlackUnderTest;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-slash-answers"),
    files: { FRED: await colourPhoto("red"), FBLUE: await colourPhoto("blue") },
  });
}, 60_000);
afterAll(() => t?.close());

/** The member's photo, posted two minutes ago in `channel`; its ts. */
function photoIn(channel: string, user: string, file: string, name: string): string {
  const ts = `${Math.floor(Date.now() / 1000) - 120}.000100`;
  t.api.history.set(channel, [{ user, ts, files: [slackFile(t.api.url, file, name)] }]);
  return ts;
}

const said = (trigger: string) => t.api.responses.filter((r) => r.path === `/respond/${trigger}`);

describe("Slack slash-command answers", () => {
  it("/describe answers in the photo's thread and keeps which photo it is about", async () => {
    const photo = photoIn("CSA1", "U1", "FRED", "red.png");
    await t.send(
      slashCommand({
        command: "/describe",
        user: "U1",
        channel: "CSA1",
        trigger: "trig-sa1",
        standIn: t.api.url,
      }),
      {
        form: true,
      },
    );
    const inThread = () =>
      [...t.api.posted.values()].filter((m) => m.channel === "CSA1" && m.thread_ts === photo);
    await waitFor(() => inThread().some((m) => String(m.text).endsWith("red")), 20_000, "the answer");
    expect(inThread().map((m) => m.text)).toEqual(["/describe on *red.png* (2 minutes ago):\n\nred"]);
    // Nothing at the channel's top level.
    expect([...t.api.posted.values()].filter((m) => m.channel === "CSA1" && !m.thread_ts)).toEqual([]);
  });

  it("/ask only me answers through the command's response_url alone, replacing its working line", async () => {
    photoIn("CSA2", "U2", "FBLUE", "blue.png");
    await t.send(
      slashCommand({
        command: "/ask",
        text: "only me what colour is it?",
        user: "U2",
        channel: "CSA2",
        trigger: "trig-sa2",
        standIn: t.api.url,
      }),
      { form: true },
    );
    await waitFor(
      () => said("trig-sa2").some((r) => String(r.body.text).endsWith("blue")),
      20_000,
      "the answer",
    );
    const bodies = said("trig-sa2").map((r) => r.body);
    expect(bodies.every((b) => b.response_type === "ephemeral" && b.replace_original === true)).toBe(true);
    expect(String(bodies[0]?.text)).toMatch(/^⏳ \/ask on \*blue\.png\* \(2 minutes ago\)…/);
    expect(bodies.at(-1)?.text).toBe("/ask on *blue.png* (2 minutes ago):\n\nblue");
    // Slack takes at most five messages through a response_url: the partial edits never use it.
    expect(bodies.length).toBeLessThanOrEqual(3);
    expect(t.api.calls.filter((c) => c.method.startsWith("chat.") && c.args.channel === "CSA2")).toEqual([]);
  });

  it("/describe only me is private too; words elsewhere in a question are left alone", async () => {
    photoIn("CSA3", "U3", "FRED", "red.png");
    await t.send(
      slashCommand({
        command: "/describe",
        text: "only me",
        user: "U3",
        channel: "CSA3",
        trigger: "trig-sa3",
        standIn: t.api.url,
      }),
      { form: true },
    );
    await waitFor(
      () => said("trig-sa3").some((r) => String(r.body.text).endsWith("red")),
      20_000,
      "the answer",
    );
    expect(t.api.calls.filter((c) => c.method.startsWith("chat.") && c.args.channel === "CSA3")).toEqual([]);
    expect(onlyMe("what is this? (only me)")).toEqual({ text: "what is this?", only: true });
    expect(onlyMe("Only me: what does the sign say?")).toEqual({
      text: "what does the sign say?",
      only: true,
    });
    expect(onlyMe("is this only meant for kids?")).toEqual({
      text: "is this only meant for kids?",
      only: false,
    });
  });
});
