import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { SCENE, sceneImage } from "../../helpers/shapes.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { slackFile, slashCommand } from "./harness.js";

// /detect and /cutout on Slack: the real Bolt app, the queue, the engine with the generated
// vision test models, on the user's latest image in the channel.
let t: SlackUnderTest;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-vision"),
    files: { FSHAPES: (await sceneImage()).bytes },
    tools: {
      detect: { model: await tinyModelDir("grounding-dino") },
      segment: { model: await tinyModelDir("sam") },
      cutout: { model: await tinyModelDir("modnet") },
    },
  });
}, 60_000);

afterAll(() => t?.close());

async function run(command: string, text: string, channel: string) {
  t.api.history.set(channel, [
    {
      user: "UV1",
      ts: String(Date.now() / 1000 - 20),
      files: [slackFile(t.api.url, "FSHAPES", "shapes.png")],
    },
  ]);
  const r = await t.send(
    slashCommand({ command, text, user: "UV1", channel, trigger: `trig-${channel}`, standIn: t.api.url }),
    { form: true },
  );
  expect(r.status).toBe(200);
  const completed = () =>
    t.api.called("files.completeUploadExternal").filter((c) => c.args.channel_id === channel);
  await waitFor(() => completed().length > 0, 60_000, `the ${command} upload`);
  const id = ((completed()[0]?.args.files ?? []) as { id: string }[])[0]?.id;
  return t.api.uploads.find((u) => u.id === id)?.bytes ?? Buffer.alloc(0);
}

/** The image inside an upload's body, which may be multipart. */
function imageIn(body: Buffer, kind: "png" | "jpeg"): Buffer {
  if (kind === "jpeg") {
    const start = body.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
    return body.subarray(start, body.lastIndexOf(Buffer.from([0xff, 0xd9])) + 2);
  }
  const start = body.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const iend = body.indexOf(Buffer.from("IEND"), start);
  return body.subarray(start, iend + 8);
}

describe("Slack /detect and /cutout", () => {
  it("/detect red square uploads the drawn photo and says what it found", async () => {
    const body = await run("/detect", "red square", "CV1");
    const meta = await sharp(imageIn(body, "jpeg")).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 480, 360]);
    await waitFor(
      () =>
        t.api.called("chat.update").some(
          // Slash answers say which photo they used (in the photo's thread), then the finding.
          (c) =>
            c.args.channel === "CV1" &&
            c.args.text === "/detect on *shapes.png* (just now):\n\n1 found: red square.",
        ),
      10_000,
      "the sentence",
    );
    expect(t.api.called("files.getUploadURLExternal").some((c) => c.args.filename === "detected.jpg")).toBe(
      true,
    );
  });

  it("/cutout uploads a PNG with transparency", async () => {
    const body = await run("/cutout", "", "CV2");
    expect(t.api.called("files.getUploadURLExternal").some((c) => c.args.filename === "cutout.png")).toBe(
      true,
    );
    const png = imageIn(body, "png");
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0);
    const [x0, y0, x1, y1] = SCENE[0]?.box ?? [0, 0, 0, 0];
    expect(data[(((y0 + y1) >> 1) * info.width + ((x0 + x1) >> 1)) * 4 + 3]).toBe(255);
  });
});
