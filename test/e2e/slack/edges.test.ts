import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile, slashCommand, uploadEvent } from "./harness.js";

/** What people do in their first week on Slack that the happy path does not cover (issue 28). */
let t: SlackUnderTest;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-edges"),
    files: {
      FBLUE: await colourPhoto("blue"),
      FRED: await colourPhoto("red"),
      FGREEN: await colourPhoto("green"),
      FWHITE: await colourPhoto("white"),
    },
    slack: { autocaptionChannels: ["CSHARED"] },
  });
  // The workspace calls the bot something of its own choosing.
  t.api.identity.user = "snapbot";
}, 60_000);
afterAll(() => t?.close());

/** A file shared in a Slack Connect channel, as Slack sends it: an id and nothing to fetch. */
const connectStub = (id: string) => ({ id, file_access: "check_file_info" });

/** The bot's messages in a thread as they read now (placeholders that became answers included). */
const threaded = (channel: string, thread: string) =>
  [...t.api.posted.values()].filter((m) => m.channel === channel && m.thread_ts === thread);

describe("Slack edges", () => {
  it("an edited mention is not answered again: Slack sends it as a new event with `edited`", async () => {
    const ts = "1700000101.000100";
    const original = mentionEvent("EvEditA", "CE1", ts, [slackFile(t.api.url, "FBLUE", "blue.png")]);
    await t.send(original);
    await waitFor(() => threaded("CE1", ts).some((m) => m.text === "blue"), 20_000, "the answer");
    // The person fixes a typo: Slack delivers app_mention again, same message ts, new event id.
    const edited = mentionEvent(
      "EvEditB",
      "CE1",
      ts,
      [slackFile(t.api.url, "FBLUE", "blue.png")],
      "<@UBOT> what colour is this photo?",
    );
    (edited.event as Record<string, unknown>).edited = { user: "U1", ts: "1700000102.000000" };
    expect((await t.send(edited)).status).toBe(200);
    // A later mention in another channel is answered: by then the edit has been handled too.
    const later = "1700000103.000100";
    await t.send(mentionEvent("EvEditC", "CE2", later, [slackFile(t.api.url, "FRED", "red.png")]));
    await waitFor(() => threaded("CE2", later).some((m) => m.text === "red"), 20_000, "the later answer");
    await new Promise((r) => setTimeout(r, 1000));
    expect(threaded("CE1", ts).map((m) => m.text)).toEqual(["blue"]);
    expect(t.api.called("chat.postMessage").filter((c) => c.args.channel === "CE1")).toHaveLength(1);
  });

  it("Slack Connect: a mention's file stub is read through files.info and answered about", async () => {
    const ts = "1700000201.000100";
    await t.send(mentionEvent("EvShared1", "CSHARED", ts, [connectStub("FRED")]));
    await waitFor(() => threaded("CSHARED", ts).some((m) => m.text === "red"), 20_000, "the answer");
    expect(t.api.called("files.info").map((c) => c.args.file)).toContain("FRED");
  });

  it("Slack Connect: an upload in an auto-caption channel is captioned from its stub", async () => {
    const ts = "1700000202.000100";
    await t.send(uploadEvent("EvShared2", "CSHARED", ts, [connectStub("FGREEN")], "U7"));
    await waitFor(() => threaded("CSHARED", ts).length > 0, 20_000, "the caption");
    expect(String(threaded("CSHARED", ts)[0]?.text)).toMatch(/green/i);
  });

  it("Slack Connect: /describe finds the member's latest photo when it is a stub", async () => {
    t.api.history.set("CSHARED2", [
      { user: "U8", ts: String(Date.now() / 1000 - 5), files: [connectStub("FWHITE")] },
    ]);
    await t.send(
      {
        command: "/describe",
        text: "",
        user_id: "U8",
        channel_id: "CSHARED2",
        team_id: "T1",
        trigger_id: "trig-shared",
        response_url: `${t.api.url}/respond/shared`,
      },
      { form: true },
    );
    await waitFor(
      () =>
        t.api
          .called("chat.update")
          .some((c) => c.args.channel === "CSHARED2" && String(c.args.text).endsWith("\n\nwhite")),
      20_000,
      "the answer",
    );
  });

  it("a refusal about the asker's pace is told to them alone (ephemeral), not posted in the thread", async () => {
    t.setOverride(pacedModel(["slow", "answer", "here"], 400));
    try {
      const files = [slackFile(t.api.url, "FBLUE", "blue.png")];
      // Three at once fill the member's slots (limits.perUserInFlight: 3); the fourth is refused.
      for (const n of [1, 2, 3])
        await t.send(
          mentionEvent(`EvPace${n}`, "CPACE", `1700000301.00010${n}`, files, undefined, { user: "UPACE" }),
        );
      // As a member would: the fourth once the three are under way (each has its 👀).
      await waitFor(
        () => t.api.called("reactions.add").filter((c) => c.args.channel === "CPACE").length === 3,
        20_000,
        "the three under way",
      );
      const fourth = "1700000301.000104";
      await t.send(mentionEvent("EvPace4", "CPACE", fourth, files, undefined, { user: "UPACE" }));
      await waitFor(
        () => t.api.called("chat.postEphemeral").some((c) => c.args.channel === "CPACE"),
        20_000,
        "the refusal",
      );
      const refusal = t.api.called("chat.postEphemeral").find((c) => c.args.channel === "CPACE");
      expect(refusal?.args).toMatchObject({ user: "UPACE", thread_ts: fourth });
      expect(String(refusal?.args.text)).toMatch(/You already have 3 requests in progress/);
      // Nothing about it in the thread for everyone to read: its placeholder is gone too.
      expect(threaded("CPACE", fourth)).toEqual([]);
      await waitFor(
        () => threaded("CPACE", "1700000301.000103").some((m) => m.text === "slow answer here"),
        30_000,
        "the third answer",
      );
    } finally {
      t.setOverride(undefined);
    }
  });

  it("the invitation names the bot as the workspace knows it, and is not suggested in a DM", async () => {
    t.api.history.set("CNOTIN", [
      { user: "U9", ts: String(Date.now() / 1000 - 5), files: [slackFile(t.api.url, "FRED", "red.png")] },
    ]);
    t.api.history.set("DNOTIN", [
      { user: "U9", ts: String(Date.now() / 1000 - 5), files: [slackFile(t.api.url, "FRED", "red.png")] },
    ]);
    t.api.limits.notIn.add("CNOTIN");
    t.api.limits.notIn.add("DNOTIN");
    for (const [channel, trigger] of [
      ["CNOTIN", "trig-inv"],
      ["DNOTIN", "trig-dm"],
    ] as const)
      await t.send(slashCommand({ command: "/describe", user: "U9", channel, trigger, standIn: t.api.url }), {
        form: true,
      });
    const said = (trigger: string) =>
      t.api.responses.find((r) => r.path === `/respond/${trigger}`)?.body.text;
    await waitFor(
      () => said("trig-inv") !== undefined && said("trig-dm") !== undefined,
      20_000,
      "both responses",
    );
    expect(String(said("trig-inv"))).toContain("`/invite @snapbot`");
    expect(String(said("trig-dm"))).not.toContain("/invite");
    expect(String(said("trig-dm"))).toMatch(/can't post in this conversation/);
  });

  it("opening the app's Home tab publishes what the bot does and where auto-captions are on", async () => {
    await t.send({
      type: "event_callback",
      team_id: "T1",
      event_id: "EvHome",
      event: { type: "app_home_opened", user: "UHOME", channel: "DHOME", tab: "home" },
    });
    await waitFor(() => t.api.called("views.publish").length > 0, 10_000, "the Home tab");
    const call = t.api.called("views.publish")[0];
    expect(call?.args.user_id).toBe("UHOME");
    const view = call?.args.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe("home");
    const text = JSON.stringify(view.blocks);
    expect(text).toContain("`/describe`");
    expect(text).toContain("*Messages* tab");
    expect(text).toContain("<#CSHARED>");
  });
});
