import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { mentionEvent, slackFile, uploadEvent } from "./harness.js";

/**
 * Journey 2.1 on Slack (issue 28, item 4; the Discord test shows the ordering): the same
 * admission serves both platforms, so a burst of uploads past the captions' budget is captioned
 * in full, a later window at a time, and a member's mention in the same workspace is answered.
 */
const UPLOADS = 12;
let t: SlackUnderTest;

beforeAll(async () => {
  const files: Record<string, Buffer> = { FASK: await colourPhoto("red") };
  for (let n = 0; n < UPLOADS; n++) files[`FUP${n}`] = await colourPhoto(n % 2 ? "blue" : "green");
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-burst"),
    files,
    // Four captions a second, two people's requests: the burst needs three windows.
    config: { limits: { backgroundRate: 4, perScopeRate: 2, perScopeWindowS: 1 } },
    slack: { autocaptionChannels: ["CBURST"] },
  });
}, 60_000);
afterAll(() => t?.close());

const threaded = (channel: string, thread: string) =>
  [...t.api.posted.values()].filter((m) => m.channel === channel && m.thread_ts === thread);

describe("Slack: a burst of uploads in an auto-caption channel", () => {
  it("captions every upload, none dropped, and still answers a mention", async () => {
    const uploads = Array.from({ length: UPLOADS }, (_, n) => ({
      ts: `1700000901.${String(n + 1).padStart(6, "0")}`,
      file: `FUP${n}`,
      colour: n % 2 ? "blue" : "green",
    }));
    for (const u of uploads)
      await t.send(
        uploadEvent(
          `EvBurst${u.file}`,
          "CBURST",
          u.ts,
          [slackFile(t.api.url, u.file, `${u.file}.png`)],
          "U7",
        ),
      );
    const asked = "1700000902.000100";
    await t.send(mentionEvent("EvBurstAsk", "CBURST", asked, [slackFile(t.api.url, "FASK", "red.png")]));
    await waitFor(
      () => threaded("CBURST", asked).some((m) => m.text === "red"),
      30_000,
      "the mention's answer",
    );
    await waitFor(() => uploads.every((u) => threaded("CBURST", u.ts).length > 0), 60_000, "every caption");
    for (const u of uploads) {
      const captions = threaded("CBURST", u.ts);
      expect(captions, `caption of ${u.file}`).toHaveLength(1);
      expect(String(captions[0]?.text)).toMatch(new RegExp(`^${u.colour}\\b`, "i"));
    }
  }, 90_000);
});
