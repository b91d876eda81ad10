import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { SCENE, sceneImage } from "../../helpers/shapes.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";
import { type DiscordUnderTest, startDiscordUnderTest } from "./app.js";
import { slashCommand } from "./payloads.js";

// /detect and /cutout on Discord: the real discord.js client, the queue, the engine with the
// generated Grounding DINO, SAM and MODNet test models, and back.
const CH = { detect: "440000000000000001", cutout: "440000000000000002" };
let t: DiscordUnderTest;

beforeAll(async () => {
  t = await startDiscordUnderTest({
    prefix: uniquePrefix("discord-vision"),
    channels: Object.values(CH),
    config: {
      tools: {
        detect: { model: await tinyModelDir("grounding-dino") },
        segment: { model: await tinyModelDir("sam") },
        cutout: { model: await tinyModelDir("modnet") },
      },
    },
  });
}, 60_000);

afterAll(() => t?.close());

async function command(id: string, channel: string, name: string, what?: string) {
  const att = t.stand.attachment(`7${id.slice(1)}`, "shapes.png", (await sceneImage()).bytes);
  t.stand.dispatch(
    "INTERACTION_CREATE",
    slashCommand({
      id,
      channel,
      name,
      options: [
        { name: "image", type: 11, value: att.id },
        ...(what ? [{ name: "what", type: 3, value: what }] : []),
      ],
      attachments: { [att.id]: att },
    }),
  );
  const withFile = () => t.webhookEdits(id).find((r) => r.files.length > 0);
  await waitFor(() => withFile() !== undefined, 60_000, `the ${name} answer`);
  return withFile();
}

describe("Discord /detect and /cutout", () => {
  it("/detect red square returns the drawn photo and says what it found", async () => {
    const answer = await command("940000000000000001", CH.detect, "detect", "red square");
    expect(answer?.json?.content).toBe("1 found: red square.");
    expect(answer?.files.map((f) => f.name)).toEqual(["detected.jpg"]);
    const meta = await sharp(answer?.files[0]?.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 480, 360]);
    const alt = (answer?.json?.attachments ?? []) as { description?: string }[];
    expect(alt[0]?.description).toBe("The photo with boxes around: red square.");
  });

  it("/cutout uploads a PNG with transparency, not a flattened JPEG", async () => {
    const answer = await command("940000000000000002", CH.cutout, "cutout");
    expect(answer?.json?.content).toBe("Cut out the subject on a transparent background.");
    expect(answer?.files.map((f) => f.name)).toEqual(["cutout.png"]);
    const bytes = answer?.files[0]?.bytes ?? Buffer.alloc(0);
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect((await sharp(bytes).metadata()).format).toBe("png");
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0); // a background corner
    const [x0, y0, x1, y1] = SCENE[1]?.box ?? [0, 0, 0, 0];
    expect(data[(((y0 + y1) >> 1) * info.width + ((x0 + x1) >> 1)) * 4 + 3]).toBe(255);
  });
});
