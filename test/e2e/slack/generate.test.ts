import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startA1111 } from "../../helpers/a1111.js";
import { colourPhoto } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import { slackFile, slashCommand } from "./harness.js";

// /generate on Slack makes an image from its prompt, as on Discord: it must not need (or use)
// an image the user shared earlier, and an empty prompt gets told what to type.
let t: SlackUnderTest;
let imagegen: Awaited<ReturnType<typeof startA1111>>;

beforeAll(async () => {
  imagegen = await startA1111("#2050d0");
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack-gen"),
    imagegen: { backend: "a1111", url: imagegen.url, timeoutMs: 10_000, width: 512, height: 512 },
    files: { FRED: await colourPhoto("red") },
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await imagegen?.close();
});

const slash = (o: { text: string; user: string; channel: string; trigger: string }) =>
  t.send(slashCommand({ command: "/generate", ...o, standIn: t.api.url }), { form: true });

describe("Slack /generate", () => {
  it("makes an image from the prompt and uploads it, in a channel where the user shared no image", async () => {
    const r = await slash({
      text: "a lighthouse at dusk",
      user: "U7",
      channel: "CG1",
      trigger: "trig-gen-1",
    });
    expect(r.status).toBe(200);
    await waitFor(
      () => t.api.called("files.completeUploadExternal").some((c) => c.args.channel_id === "CG1"),
      30_000,
      "the generated image's upload",
    );
    expect(imagegen.seen.map((s) => s.path)).toEqual(["/sdapi/v1/txt2img"]);
    expect(String(imagegen.seen[0]?.body.prompt)).toContain("a lighthouse at dusk");
    const complete = t.api.called("files.completeUploadExternal").find((c) => c.args.channel_id === "CG1");
    const id = ((complete?.args.files ?? []) as { id: string }[])[0]?.id;
    const uploaded = t.api.uploads.find((u) => u.id === id);
    expect(uploaded).toBeDefined();
    // What was uploaded is the backend's image (blue), not anything of the user's. The upload's
    // body may be multipart: the PNG starts at its signature.
    const bytes = uploaded?.bytes ?? Buffer.alloc(0);
    const png = bytes.subarray(bytes.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47])));
    const { channels } = await sharp(png).stats();
    expect(channels[2]?.mean).toBeGreaterThan(150);
    expect(channels[0]?.mean).toBeLessThan(80);
    expect(t.api.responses.filter((x) => x.path === "/respond/trig-gen-1")).toHaveLength(0);
  });

  it("ignores the user's latest image: the prompt alone goes to the backend (txt2img)", async () => {
    t.api.history.set("CG2", [
      { user: "U8", ts: String(Date.now() / 1000 - 20), files: [slackFile(t.api.url, "FRED", "red.png")] },
    ]);
    const before = imagegen.seen.length;
    await slash({ text: "a red fox in snow", user: "U8", channel: "CG2", trigger: "trig-gen-2" });
    await waitFor(
      () => t.api.called("files.completeUploadExternal").some((c) => c.args.channel_id === "CG2"),
      30_000,
      "the generated image's upload",
    );
    expect(imagegen.seen.slice(before).map((s) => s.path)).toEqual(["/sdapi/v1/txt2img"]);
    const placeholder = t.api.called("chat.postMessage").find((c) => c.args.channel === "CG2");
    expect(String(placeholder?.args.text)).not.toContain("red.png");
  });

  it("an empty prompt gets one line on what to type, only for the user, and nothing is queued", async () => {
    const before = imagegen.seen.length;
    await slash({ text: "  ", user: "U9", channel: "CG3", trigger: "trig-gen-3" });
    const told = () => t.api.called("chat.postEphemeral").filter((c) => c.args.channel === "CG3");
    await waitFor(() => told().length > 0, 10_000, "the ephemeral answer");
    expect(told()).toHaveLength(1);
    expect(told()[0]?.args.user).toBe("U9");
    expect(String(told()[0]?.args.text)).toMatch(/\/generate a lighthouse/);
    expect(t.api.called("chat.postMessage").some((c) => c.args.channel === "CG3")).toBe(false);
    expect(imagegen.seen.length).toBe(before);
  });
});
