import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile, slashCommand } from "./harness.js";

/**
 * `slack.allowedChannels`: the bot answers only there. Elsewhere mentions get nothing, and a slash
 * command (seen by its user alone) is told why; mentions by other bots are never answered.
 */
let t: SlackUnderTest;
const photo = () => [slackFile(t.api.url, "FBLUE", "blue.png")];
const postedIn = (channel: string) =>
  t.api.called("chat.postMessage").filter((c) => c.args.channel === channel);

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-access"),
    slack: { allowedChannels: ["CALLOWED"] },
    files: { FBLUE: await colourPhoto("blue") },
  });
}, 60_000);

afterAll(() => t?.close());

describe("Slack allowed channels", () => {
  it("a mention is answered in an allowed channel and gets nothing elsewhere", async () => {
    await t.send(mentionEvent("EvOther", "COTHER", "1700000201.000100", photo()));
    await t.send(mentionEvent("EvAllowed", "CALLOWED", "1700000202.000100", photo()));
    await waitFor(
      () => t.api.called("chat.update").some((c) => c.args.channel === "CALLOWED" && c.args.text === "blue"),
      20_000,
      "the answer in the allowed channel",
    );
    expect(postedIn("COTHER")).toHaveLength(0);
    expect(t.api.called("reactions.add").filter((c) => c.args.channel === "COTHER")).toHaveLength(0);
  });

  it("a slash command elsewhere is told, for its user only, that the bot is not enabled there", async () => {
    t.api.history.set("COTHER", [{ user: "U2", ts: String(Date.now() / 1000 - 5), files: photo() }]);
    await t.send(
      slashCommand({
        command: "/describe",
        user: "U2",
        channel: "COTHER",
        trigger: "trig-access",
        standIn: t.api.url,
      }),
      { form: true },
    );
    await waitFor(
      () => t.api.responses.some((r) => r.path === "/respond/trig-access"),
      10_000,
      "the refusal",
    );
    const said = t.api.responses.filter((r) => r.path === "/respond/trig-access");
    expect(said).toHaveLength(1);
    expect(said[0]?.body.response_type).toBe("ephemeral");
    expect(String(said[0]?.body.text)).toMatch(/not enabled in this channel/);
    expect(postedIn("COTHER")).toHaveLength(0);
  });

  it("a mention posted by another bot or a workflow is not answered", async () => {
    const fromBot = mentionEvent("EvBotMention", "CALLOWED", "1700000203.000100", photo());
    const event = fromBot.event as Record<string, unknown>;
    event.bot_id = "BWORKFLOW";
    event.user = "UWORKFLOW";
    await t.send(fromBot);
    await new Promise((r) => setTimeout(r, 1500));
    expect(postedIn("CALLOWED").filter((c) => c.args.thread_ts === "1700000203.000100")).toHaveLength(0);
  });
});
