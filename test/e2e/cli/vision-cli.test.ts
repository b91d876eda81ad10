import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { boxIoU, maskIoU, SCENE, sceneImage, truthMask } from "../../helpers/shapes.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

const dir = mkdtempSync(join(tmpdir(), "llava-bot-vision-cli-"));
const photo = join(dir, "scene.jpg");
let env: Record<string, string>;

beforeAll(async () => {
  writeFileSync(photo, (await sceneImage(SCENE, { format: "jpeg" })).bytes);
  env = {
    LLAVA_BOT__TOOLS__DETECT__MODEL: await tinyModelDir("grounding-dino"),
    LLAVA_BOT__TOOLS__SEGMENT__MODEL: await tinyModelDir("sam"),
    LLAVA_BOT__TOOLS__CUTOUT__MODEL: await tinyModelDir("modnet"),
    HF_HUB_OFFLINE: "1",
  };
});

describe("llava-bot detect / segment / edit --cutout", () => {
  it("detect prints each box in pixels and writes the drawing", async () => {
    const out = join(dir, "drawn.jpg");
    const r = runCli(["detect", photo, "red square and blue circle", "-o", out], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("2 found: red square, blue circle.");
    const line = r.stdout.split("\n").find((l) => l.startsWith("red square\t"));
    const box = JSON.parse(line?.split("\t")[2] ?? "[]") as [number, number, number, number];
    expect(boxIoU(box, SCENE[0]?.box ?? [0, 0, 0, 0])).toBeGreaterThanOrEqual(0.9);
    const drawn = await sharp(readFileSync(out)).metadata();
    expect([drawn.format, drawn.width, drawn.height]).toEqual(["jpeg", 480, 360]);
  });

  it("detect --json: boxes, labels and scores; nothing for a colour that is not there", () => {
    const r = runCli(["detect", photo, "green rectangle", "--json"], env);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      detections: { label: string; box: [number, number, number, number] }[];
    };
    expect(json.detections.map((d) => d.label)).toEqual(["green rectangle"]);
    expect(boxIoU(json.detections[0]?.box ?? [0, 0, 0, 0], SCENE[2]?.box ?? [0, 0, 0, 0])).toBeGreaterThan(
      0.9,
    );
    const none = runCli(["detect", photo, "yellow star", "--json"], env);
    expect(JSON.parse(none.stdout)).toMatchObject({
      detections: [],
      said: "I found no yellow star in this photo.",
    });
  });

  it("segment -o writes the object's mask as a PNG", async () => {
    const out = join(dir, "mask.png");
    const r = runCli(["segment", photo, "blue circle", "-o", out], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Outlined 1: blue circle. → ${out}\n`);
    const meta = await sharp(readFileSync(out)).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(["png", 480, 360, 1]);
    const data = await sharp(readFileSync(out)).extractChannel(0).raw().toBuffer();
    const truth = await truthMask(await sceneImage(), "#0000ff");
    expect(
      maskIoU(
        Uint8Array.from(data, (v) => (v > 127 ? 1 : 0)),
        truth,
      ),
    ).toBeGreaterThanOrEqual(0.9);
  });

  it("edit --cutout writes a transparent PNG: background clear, shapes opaque", async () => {
    const out = join(dir, "cut.png");
    const r = runCli(["edit", photo, "--cutout", "-o", out], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const { data, info } = await sharp(readFileSync(out)).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    const alpha = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    expect([alpha(3, 3), alpha(250, 100)]).toEqual([0, 0]);
    for (const s of SCENE) expect(alpha((s.box[0] + s.box[2]) >> 1, (s.box[1] + s.box[3]) >> 1)).toBe(255);
  });

  it("edit --cutout to a .jpg puts the subject on white (JPEG has no transparency)", async () => {
    const out = join(dir, "cut.jpg");
    const r = runCli(["edit", photo, "--cutout", "-o", out], env);
    expect(r.code).toBe(0);
    const meta = await sharp(readFileSync(out)).metadata();
    expect([meta.format, meta.channels]).toEqual(["jpeg", 3]);
  });

  it("a tool whose model is missing: one line naming models pull, no stack", () => {
    const r = runCli(["detect", photo, "red square"], {
      ...env,
      LLAVA_BOT__TOOLS__DETECT__MODEL: "org/missing-detector",
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([
      "llava-bot: The detect tool's model is not available: run `llava-bot models pull org/missing-detector` on a connected host (or set tools.detect.model to a local folder).",
    ]);
  });

  it("models check lists the tool models after the chat model; a missing one is a line and exit 1", async () => {
    const chat = await tinyModelDir("llava");
    const r = runCli(["models", "check"], {
      ...env,
      LLAVA_BOT__MODEL__ID: chat,
      LLAVA_BOT__TOOLS__CUTOUT__MODEL: "org/missing-matte",
    });
    expect(r.stdout).toContain("ok         the model loads and generates");
    expect(r.stdout).toMatch(/tool\s+detect\s+.*tiny-grounding-dino: loads/);
    expect(r.stdout).toMatch(/tool\s+segment\s+.*tiny-sam: loads/);
    expect(r.stdout).toContain(
      "tool       cutout   org/missing-matte: The cutout tool's model is not available: run `llava-bot models pull org/missing-matte`",
    );
    expect(r.code).toBe(1);
  });
});
