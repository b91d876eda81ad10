import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliveredKey } from "../../../src/queue/names.js";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { newRedis, uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, sendSigned, slackFile, slashCommand, TOKEN } from "./harness.js";
import type { StandIn } from "./stand-in.js";
import { defaultSlackLimits } from "./stand-in-limits.js";

/**
 * The Slack adapter against a stand-in that refuses what Slack refuses: each refusal is met with
 * one clear outcome for the user, no crash and nothing posted twice.
 */
const prefix = uniquePrefix("slack-refusals");
const redis = newRedis();
let t: SlackUnderTest;
let api: StandIn;
let base: string;
let setOverride: SlackUnderTest["setOverride"] = () => {};

async function send(payload: unknown, form = false) {
  expect((await sendSigned(base, payload, { form })).status).toBe(200);
}

const file = (id: string) => slackFile(api.url, id, `${id}.png`);
const mention = (eventId: string, channel: string, ts: string) =>
  send(mentionEvent(eventId, channel, ts, [file("FRED")], "<@UBOT> tell me about it"));

function slash(channel: string, trigger: string) {
  api.history.set(channel, [{ user: "U2", ts: String(Date.now() / 1000 - 5), files: [file("FRED")] }]);
  return send(slashCommand({ command: "/describe", user: "U2", channel, trigger, standIn: api.url }), true);
}

function autocaptionCommand(text: "on" | "off", channel: string, trigger: string) {
  return send(
    slashCommand({ command: "/autocaption", text, user: "UADMIN", channel, trigger, standIn: api.url }),
    true,
  );
}

/** The bot's messages in a channel as they read now, oldest first. */
const shown = (channel: string) =>
  [...api.posted.values()].filter((m) => m.channel === channel).sort((a, b) => Number(a.ts) - Number(b.ts));
const callsIn = (method: string, channel: string) =>
  api.called(method).filter((c) => c.args.channel === channel);
const ok = (c: { refused?: string }) => c.refused === undefined;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix,
    files: { FRED: await colourPhoto("red") },
    slack: { autocaptionChannels: ["CCONF"] },
  });
  ({ api, base, setOverride } = t);
}, 60_000);

afterEach(() => {
  setOverride(undefined);
  Object.assign(api.limits, defaultSlackLimits());
});

afterAll(async () => {
  await t?.close();
  redis.disconnect();
});

describe("Slack refusals, through the real Bolt app", () => {
  it("an answer past 40,000 characters is never refused (msg_too_long, invalid_blocks): it continues in the thread", async () => {
    // Slack's documented limits: a message's text 40,000 characters, a section block's text 3,000.
    const MESSAGE_TEXT = 40_000;
    const SECTION_TEXT = 3000;
    const words = Array.from({ length: 4500 }, (_, i) => `word${String(i).padStart(5, "0")}`);
    // Streamed, so the live reply draws the growing answer into its section block as it comes.
    setOverride(pacedModel(words, 1));
    await mention("EvLong", "CLONG", "1700000101.000100");
    await waitFor(() => shown("CLONG").some((m) => m.text?.endsWith("word04499")), 30_000, "the last part");
    expect(api.refused.filter((c) => c.args.channel === "CLONG")).toHaveLength(0);
    for (const m of shown("CLONG")) expect([...(m.text ?? "")].length).toBeLessThanOrEqual(MESSAGE_TEXT);
    const sent = [...callsIn("chat.postMessage", "CLONG"), ...callsIn("chat.update", "CLONG")];
    const sections = sent.flatMap((c) =>
      ((c.args.blocks ?? []) as { type: string; text?: { text: string } }[]).filter(
        (b) => b.type === "section",
      ),
    );
    expect(sections.length).toBeGreaterThan(0);
    for (const b of sections) expect([...(b.text?.text ?? "")].length).toBeLessThanOrEqual(SECTION_TEXT);
    expect(
      shown("CLONG")
        .map((m) => m.text)
        .join(" ")
        .split(/\s+/),
    ).toEqual(words);
  });

  it("the stand-in refuses a section block past 3,000 characters as Slack does (invalid_blocks)", async () => {
    const post = (chars: number) =>
      fetch(`${api.apiUrl}chat.postMessage`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({
          channel: "CBLOCKS",
          text: "x",
          blocks: [{ type: "section", text: { type: "mrkdwn", text: "é".repeat(chars) } }],
        }),
      }).then((r) => r.json() as Promise<{ ok: boolean; error?: string; errors?: string[] }>);
    expect(await post(3000)).toMatchObject({ ok: true });
    expect(await post(3001)).toEqual({
      ok: false,
      error: "invalid_blocks",
      errors: ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
    });
  });

  it("ratelimited during streaming drops intermediate edits and still delivers the final answer once", async () => {
    api.limits.rates["chat.update"] = { limit: 2, windowMs: 3000 };
    const words = Array.from({ length: 60 }, (_, i) => `r${i + 1}`);
    setOverride(pacedModel(words, 100));
    await mention("EvRate", "CRATE", "1700000102.000100");
    const final = words.join(" ");
    await waitFor(() => shown("CRATE")[0]?.text === final, 30_000, "the final answer");
    const updates = callsIn("chat.update", "CRATE");
    expect(updates.some((c) => c.refused === "ratelimited")).toBe(true);
    expect(updates.filter((c) => ok(c) && c.args.text === final)).toHaveLength(1);
    // Dropped, not retried: no partial text went out twice, and none landed after the answer.
    const partials = updates.filter((c) => String(c.args.text).endsWith("▌")).map((c) => String(c.args.text));
    expect(new Set(partials).size).toBe(partials.length);
    expect(updates.filter(ok).at(-1)?.args.text).toBe(final);
    expect(shown("CRATE")).toHaveLength(1);
    expect(shown("CRATE")[0]?.blocks).toEqual([]);
  });

  it("a slash command where the bot is not a member (not_in_channel) is answered through response_url", async () => {
    api.limits.notIn.add("CPUBLIC");
    await slash("CPUBLIC", "trig-notin");
    await waitFor(() => api.responses.some((r) => r.path === "/respond/trig-notin"), 10_000, "the response");
    const said = api.responses.filter((r) => r.path === "/respond/trig-notin");
    expect(said).toHaveLength(1);
    expect(String(said[0]?.body.text)).toMatch(/not a member of this channel.*\/invite/);
    expect(said[0]?.body.response_type).toBe("ephemeral");
    expect(api.refused.some((c) => c.args.channel === "CPUBLIC" && c.refused === "not_in_channel")).toBe(
      true,
    );
    expect(shown("CPUBLIC")).toHaveLength(0);
  });

  it("/autocaption on where the bot is not a member is saved, and the admin is told to invite it (response_url)", async () => {
    api.users.set("UADMIN", { is_admin: true });
    api.limits.notIn.add("CNOTYET");
    await autocaptionCommand("on", "CNOTYET", "trig-ac-notin");
    await waitFor(
      () => api.responses.some((r) => r.path === "/respond/trig-ac-notin"),
      10_000,
      "the response",
    );
    const said = api.responses.filter((r) => r.path === "/respond/trig-ac-notin");
    expect(said).toHaveLength(1);
    expect(said[0]?.body.response_type).toBe("ephemeral");
    expect(String(said[0]?.body.text)).toMatch(/^Auto-captions are on[\s\S]*\/invite @llava-bot/);
    expect(await redis.sismember(`${prefix}:setting:slack:autocaption`, "CNOTYET")).toBe(1);
  });

  it("/autocaption off in a channel the configuration captions says so instead of pretending", async () => {
    api.users.set("UADMIN", { is_admin: true });
    await autocaptionCommand("off", "CCONF", "trig-ac-conf");
    const told = () => callsIn("chat.postEphemeral", "CCONF");
    await waitFor(() => told().length > 0, 10_000, "the answer");
    expect(told()).toHaveLength(1);
    expect(String(told()[0]?.args.text)).toMatch(/configuration \(slack\.autocaptionChannels\)/);
    expect(String(told()[0]?.args.text)).not.toMatch(/are off/);
  });

  it("a slash command in a private channel the bot cannot see (channel_not_found) says so once", async () => {
    api.limits.missing.add("GPRIVATE");
    await slash("GPRIVATE", "trig-private");
    await waitFor(
      () => api.responses.some((r) => r.path === "/respond/trig-private"),
      10_000,
      "the response",
    );
    const said = api.responses.filter((r) => r.path === "/respond/trig-private");
    expect(said).toHaveLength(1);
    expect(String(said[0]?.body.text)).toMatch(/can't see this channel/);
    expect(shown("GPRIVATE")).toHaveLength(0);
  });

  it("an answer for a channel that went away meanwhile is logged and finished, not retried", async () => {
    setOverride(pacedModel(["one", "two", "three", "four", "five", "six", "seven", "eight"], 150));
    await mention("EvGone", "CGONE", "1700000103.000100");
    await waitFor(() => shown("CGONE").length > 0, 10_000, "the placeholder");
    api.limits.missing.add("CGONE");
    await waitFor(
      async () => (await redis.get(deliveredKey(prefix, "slack", "slack:EvGone"))) === "done",
      20_000,
      "the delivery to finish",
    );
    const finals = callsIn("chat.update", "CGONE").filter(
      (c) => c.args.text === "one two three four five six seven eight",
    );
    expect(finals.map((c) => c.refused)).toEqual(["channel_not_found"]);
    expect(callsIn("chat.postMessage", "CGONE").filter(ok)).toHaveLength(1); // the placeholder, nothing more
  });

  it("a file that comes back as Slack's HTML sign-in page is refused as not an image, with a clear message", async () => {
    api.limits.filesReadable = false; // a token without files:read gets the sign-in page, status 200
    await mention("EvHtml", "CHTML", "1700000104.000100");
    // The placeholder comes first and becomes the refusal: one message, that says why.
    await waitFor(() => shown("CHTML").some((m) => m.text !== "⏳ Working on it…"), 20_000, "the message");
    expect(shown("CHTML").map((m) => m.text)).toEqual([
      expect.stringMatching(/sign-in web page, not an image/),
    ]);
    expect(shown("CHTML")[0]?.thread_ts).toBe("1700000104.000100");
    const hits = api.fileHits.filter((h) => h.path === "/files/FRED");
    expect(hits.at(-1)?.auth).toBe(`Bearer ${TOKEN}`);
  });
});
