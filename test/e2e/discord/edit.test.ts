import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { slashCommand } from "./payloads.js";

// `/edit` in plain words on Discord: the real discord.js client, the queue, the engine and back.
const CH = { edit: "430000000000000001", help: "430000000000000002" };
let t: DiscordUnderTest;

/** A mid-grey 160×120 photo (warmth shows as red over blue) with a darker band, as a PNG. */
async function greyPhoto(): Promise<Buffer> {
  const px = Buffer.alloc(160 * 120 * 3, 128);
  for (let i = 0; i < px.length; i += 3) if (Math.floor(i / 3 / 160) > 90) px.fill(90, i, i + 3);
  return sharp(px, { raw: { width: 160, height: 120, channels: 3 } })
    .png()
    .toBuffer();
}

function editCommand(id: string, channel: string, attachmentId: string, att: unknown, edits?: string) {
  return slashCommand({
    id,
    channel,
    name: "edit",
    options: [
      { name: "image", type: 11, value: attachmentId },
      ...(edits ? [{ name: "edits", type: 3, value: edits }] : []),
    ],
    attachments: { [attachmentId]: att },
  });
}

beforeAll(async () => {
  t = await startDiscordUnderTest({ prefix: uniquePrefix("discord-edit"), channels: Object.values(CH) });
}, 60_000);

afterAll(() => t?.close());

describe("Discord /edit in plain words", () => {
  it("/edit make it warmer and crop it square returns the edited image and says what was done", async () => {
    const att = t.stand.attachment("730000000000000001", "grey.png", await greyPhoto());
    t.stand.dispatch(
      "INTERACTION_CREATE",
      editCommand("930000000000000001", CH.edit, att.id, att, "make it warmer and crop it square"),
    );
    const withFile = () => t.webhookEdits("930000000000000001").find((r) => r.files.length > 0);
    await waitFor(() => withFile() !== undefined, 30_000, "the edited image");
    const answer = withFile();
    expect(answer?.json?.content).toBe("Done: warmer by 20 %, then cropped to 1:1.");
    expect(answer?.files).toHaveLength(1);
    expect(answer?.files[0]?.name).toBe("edited.jpg");
    const alt = (answer?.json?.attachments ?? []) as { description?: string }[];
    expect(alt[0]?.description).toBe("The photo, warmer by 20 %, then cropped to 1:1.");
    // The image itself: square, and warmer than the grey it was (red now over blue).
    const bytes = answer?.files[0]?.bytes ?? Buffer.alloc(0);
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([120, 120]);
    const [r, , b] = (await sharp(bytes).stats()).channels.map((c) => c.mean) as [number, number, number];
    expect(r - b).toBeGreaterThan(10); // it was 0
    // One answer: the deferred reply became it.
    expect(t.webhookEdits("930000000000000001").filter((r) => r.files.length > 0)).toHaveLength(1);
  });

  it("/edit with no edits lists what it can do, and edits nothing", async () => {
    const att = t.stand.attachment("730000000000000002", "grey.png", await greyPhoto());
    t.stand.dispatch("INTERACTION_CREATE", editCommand("930000000000000002", CH.help, att.id, att));
    const said = () =>
      t.webhookEdits("930000000000000002").find((r) => String(r.json?.content ?? "").includes("plain words"));
    await waitFor(() => said() !== undefined, 30_000, "the list of edits");
    const text = String(said()?.json?.content);
    expect(text).toMatch(/make it warmer and crop it square/);
    expect(text).toMatch(/black and white/);
    expect(text).toMatch(/rotate left \/ right/);
    expect(t.webhookEdits("930000000000000002").some((r) => r.files.length > 0)).toBe(false);
  });
});
