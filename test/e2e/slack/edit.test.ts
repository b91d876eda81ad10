import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { slackFile, slashCommand } from "./harness.js";

// `/edit` in plain words on Slack: the real Bolt app, the queue, the engine and back, on the
// user's latest image in the channel.
let t: SlackUnderTest;

/** A mid-grey 160×120 photo (warmth shows as red over blue) with a darker band, as a PNG. */
async function greyPhoto(): Promise<Buffer> {
  const px = Buffer.alloc(160 * 120 * 3, 128);
  for (let i = 0; i < px.length; i += 3) if (Math.floor(i / 3 / 160) > 90) px.fill(90, i, i + 3);
  return sharp(px, { raw: { width: 160, height: 120, channels: 3 } })
    .png()
    .toBuffer();
}

/** The JPEG inside an upload's body, which may be multipart. */
function jpegIn(body: Buffer): Buffer {
  const start = body.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
  const end = body.lastIndexOf(Buffer.from([0xff, 0xd9]));
  return body.subarray(start, end + 2);
}

beforeAll(async () => {
  t = await startSlackUnderTest({ prefix: uniquePrefix("slack-edit"), files: { FGREY: await greyPhoto() } });
}, 60_000);

afterAll(() => t?.close());

describe("Slack /edit in plain words", () => {
  it("/edit make it warmer and crop it square uploads the edited image and says what was done", async () => {
    t.api.history.set("CE1", [
      { user: "UE1", ts: String(Date.now() / 1000 - 20), files: [slackFile(t.api.url, "FGREY", "grey.png")] },
    ]);
    const r = await t.send(
      slashCommand({
        command: "/edit",
        text: "make it warmer and crop it square",
        user: "UE1",
        channel: "CE1",
        trigger: "trig-edit-1",
        standIn: t.api.url,
      }),
      { form: true },
    );
    expect(r.status).toBe(200);
    const completed = () =>
      t.api.called("files.completeUploadExternal").filter((c) => c.args.channel_id === "CE1");
    await waitFor(() => completed().length > 0, 30_000, "the edited image's upload");
    expect(completed()).toHaveLength(1);
    const said = "Done: warmer by 20 %, then cropped to 1:1.";
    await waitFor(
      () =>
        t.api
          .called("chat.update")
          .some((c) => c.args.channel === "CE1" && String(c.args.text).endsWith(`\n\n${said}`)),
      10_000,
      "the sentence saying what was done",
    );
    const get = t.api.called("files.getUploadURLExternal").find((c) => c.args.filename === "edited.jpg");
    expect(get?.args.alt_txt ?? get?.args.alt_text).toBe("The photo, warmer by 20 %, then cropped to 1:1.");
    const id = ((completed()[0]?.args.files ?? []) as { id: string }[])[0]?.id;
    const uploaded = t.api.uploads.find((u) => u.id === id);
    const bytes = jpegIn(uploaded?.bytes ?? Buffer.alloc(0));
    // The user's grey photo, square and warmer (red now over blue).
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([120, 120]);
    const [red, , blue] = (await sharp(bytes).stats()).channels.map((c) => c.mean) as [
      number,
      number,
      number,
    ];
    expect(red - blue).toBeGreaterThan(10); // it was 0
    // The placeholder named the photo it used.
    const placeholder = t.api.called("chat.postMessage").find((c) => c.args.channel === "CE1");
    expect(String(placeholder?.args.text)).toMatch(/grey\.png/);
  });
});
