import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UPLOAD_TOO_LARGE } from "../../../src/bots/discord/refusals.js";
import { fixture } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { pacedModel } from "../../helpers/scripted-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { describePhoto, HUMAN, slashCommand } from "./payloads.js";
import { APP_ID } from "./stand-in.js";
import { defaultLimits } from "./stand-in-limits.js";

/**
 * The Discord adapter against a stand-in that refuses what Discord refuses: each refusal is met
 * with one clear outcome for the user, no crash and nothing posted twice.
 */
const CH = { late: "410000000000000001", twice: "410000000000000002", long: "410000000000000003" };
let t: DiscordUnderTest;
let stand: DiscordUnderTest["stand"];
let setOverride: DiscordUnderTest["setOverride"] = () => {};

function slash(o: Parameters<typeof slashCommand>[0], dispatch: { lateByMs?: number } = {}) {
  stand.dispatch("INTERACTION_CREATE", slashCommand(o), dispatch);
}

async function describeImage(id: string, channel: string, dispatch: { lateByMs?: number } = {}) {
  stand.dispatch("INTERACTION_CREATE", await describePhoto(stand, { id, channel, colour: "red" }), dispatch);
}

const callbacks = (id: string) => stand.requests.filter((r) => r.path.startsWith(`/interactions/${id}/`));
const webhook = (id: string) =>
  stand.requests.filter((r) => r.path.startsWith(`/webhooks/${APP_ID}/token-${id}`));
const edits = (id: string) => t.webhookEdits(id);
const sentTo = (channel: string) => t.sentTo(channel);
const content = (r: { json?: Record<string, unknown> }) => String(r.json?.content ?? "");

beforeAll(async () => {
  t = await startDiscordUnderTest({ prefix: uniquePrefix("discord-refusals"), channels: Object.values(CH) });
  ({ stand, setOverride } = t);
}, 60_000);

afterEach(() => {
  setOverride(undefined);
  Object.assign(stand.limits, defaultLimits());
});

afterAll(() => t?.close());

describe("Discord refusals, through the real discord.js client", () => {
  it("an interaction acknowledged after 3 s (10062) is answered once in the channel instead", async () => {
    await describeImage("920000000000000001", CH.late, { lateByMs: 3500 });
    await waitFor(() => sentTo(CH.late).length > 0, 20_000, "the answer in the channel");
    expect(callbacks("920000000000000001").map((r) => r.status)).toEqual([404]);
    // It says whose answer it is (as a mention that pings nobody: allowed_mentions is empty).
    expect(sentTo(CH.late).map(content)).toEqual([`<@${HUMAN.id}>, your /describe:\nred`]);
    expect(sentTo(CH.late)[0]?.json?.allowed_mentions).toEqual(expect.objectContaining({ parse: [] }));
    // The dead token was never used for an edit or a follow-up.
    expect(webhook("920000000000000001")).toHaveLength(0);
  });

  it("an interaction acknowledged twice (40060) is answered once, by whoever acknowledged it", async () => {
    await describeImage("920000000000000002", CH.twice);
    await describeImage("920000000000000002", CH.twice); // the same event again (a replay, a second process)
    await waitFor(() => edits("920000000000000002").some((r) => content(r) === "red"), 20_000, "the answer");
    expect(
      callbacks("920000000000000002")
        .map((r) => r.status)
        .sort(),
    ).toEqual([204, 400]);
    expect(edits("920000000000000002").filter((r) => content(r) === "Working on it…")).toHaveLength(1);
    expect(edits("920000000000000002").filter((r) => content(r) === "red")).toHaveLength(1);
    expect(sentTo(CH.twice)).toHaveLength(0);
  });

  it("an answer past 2,000 characters is never refused (50035): it streams and continues in follow-ups", async () => {
    const words = Array.from({ length: 600 }, (_, i) => `word${String(i).padStart(4, "0")}`);
    setOverride(pacedModel(words, 5));
    await describeImage("920000000000000003", CH.long);
    const id = "920000000000000003";
    const shown = () =>
      stand
        .interactionMessages(`token-${id}`)
        .map((m) => String(m.content))
        .join(" ");
    await waitFor(() => shown().endsWith("word0599"), 30_000, "the whole answer");
    expect(webhook(id).filter((r) => r.status === 400)).toHaveLength(0);
    for (const r of webhook(id)) expect([...content(r)].length).toBeLessThanOrEqual(2000);
    // It continued in follow-ups while it was written, not only once it was done.
    const created = webhook(id).filter((r) => r.method === "POST");
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.some((r) => content(r).endsWith("▌"))).toBe(true);
    expect(shown().split(/\s+/)).toEqual(words);
    for (const m of stand.interactionMessages(`token-${id}`)) expect(m.components).toEqual([]);
  });

  it("an upload over the server's limit (413, 40005) sends the words and says the image is too large", async () => {
    stand.limits.maxUploadBytes = 1024;
    const id = "920000000000000004";
    const att = stand.attachment("710000000000000004", "frisbee.jpg", fixture("frisbee.jpg"), "image/jpeg");
    slash({
      id,
      channel: CH.long,
      name: "edit",
      options: [
        { name: "image", type: 11, value: att.id },
        { name: "aspect", type: 3, value: "1:1" },
      ],
      attachments: { [att.id]: att },
    });
    await waitFor(
      () => webhook(id).some((r) => r.method === "POST" && content(r) === UPLOAD_TOO_LARGE),
      30_000,
      "the note",
    );
    const refused = webhook(id).filter((r) => r.status === 413);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.files).toHaveLength(1);
    const answer = edits(id).filter((r) => r.status === 200 && content(r) === content(refused[0] ?? {}));
    expect(answer).toHaveLength(1);
    expect(answer[0]?.files).toHaveLength(0);
    expect(webhook(id).filter((r) => content(r) === UPLOAD_TOO_LARGE)).toHaveLength(1);
  });

  it("a 429 during streaming drops intermediate edits and still delivers the final answer once", async () => {
    // One edit per interaction token per 3 s: "Working on it…" spends the first window, so the
    // first partial edit meets a 429 from the stand-in.
    stand.limits.bucket = { limit: 1, windowMs: 3000 };
    const words = Array.from({ length: 60 }, (_, i) => `r${i + 1}`);
    setOverride(pacedModel(words, 100));
    const id = "920000000000000005";
    await describeImage(id, CH.long);
    const final = words.join(" ");
    await waitFor(
      () => edits(id).some((r) => r.status === 200 && content(r) === final),
      30_000,
      "the final edit",
    );
    const all = edits(id);
    expect(all.some((r) => r.status === 429)).toBe(true);
    expect(all.filter((r) => r.status === 200 && content(r) === final)).toHaveLength(1);
    // Dropped, not retried: no partial text was sent twice, and none landed after the answer.
    const partials = all.filter((r) => content(r).endsWith("▌")).map(content);
    expect(new Set(partials).size).toBe(partials.length);
    expect(content(all.filter((r) => r.status === 200).at(-1) ?? {})).toBe(final);
    expect(sentTo(CH.long)).toHaveLength(0);
  });
});
