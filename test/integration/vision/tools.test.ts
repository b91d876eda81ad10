import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../../src/config/schema.js";
import { cutOut } from "../../../src/skills/vision/cutout.js";
import { detectObjects } from "../../../src/skills/vision/find.js";
import { closeVision } from "../../../src/skills/vision/load.js";
import { maskForPoints, masksForBoxes } from "../../../src/skills/vision/outline.js";
import { asModelImage, fixture } from "../../helpers/images.js";
import { boxIoU, maskIoU, SCENE, sceneImage, truthMask } from "../../helpers/shapes.js";

// Every call below goes through transformers.js's own classes and pipelines
// (zero-shot-object-detection, SamModel + AutoProcessor, background-removal) on the generated
// Grounding DINO, SAM and MODNet test models.
let config: Config;
beforeAll(async () => {
  config = await (await import("../../helpers/shapes.js")).visionConfig();
});
afterAll(closeVision);

describe("detect (Grounding DINO test model)", () => {
  it.each(SCENE.map((s) => ({ shape: s })))("boxes the $shape.name with IoU ≥ 0.9", async ({ shape }) => {
    const image = await sceneImage();
    const found = await detectObjects(config, image, [shape.name]);
    expect(found).toHaveLength(1);
    expect(found[0]?.label).toBe(shape.name);
    expect(boxIoU(found[0]?.box ?? [0, 0, 0, 0], shape.box)).toBeGreaterThanOrEqual(0.9);
  });

  it("finds each of several phrases once, and nothing for a colour that is not there", async () => {
    const image = await sceneImage(SCENE, { format: "jpeg" });
    const found = await detectObjects(config, image, ["blue circle", "yellow star", "red square"]);
    expect(found.map((d) => d.label).sort()).toEqual(["blue circle", "red square"]);
    for (const d of found) {
      const truth = SCENE.find((s) => s.name === d.label);
      expect(boxIoU(d.box, truth?.box ?? [0, 0, 0, 0])).toBeGreaterThanOrEqual(0.9);
    }
    expect(await detectObjects(config, image, ["yellow star"])).toEqual([]);
  });

  it("finds a red square pasted on a real photo, and no cyan thing in it", async () => {
    const photo = fixture("frisbee.jpg");
    const meta = await sharp(photo).metadata();
    const square = await sharp({
      create: { width: 90, height: 90, channels: 3, background: "#ff0000" },
    })
      .png()
      .toBuffer();
    const bytes = await sharp(photo)
      .composite([{ input: square, left: 40, top: 30 }])
      .png()
      .toBuffer();
    const image = await asModelImage(bytes);
    expect(image.width).toBe(meta.width);
    const found = await detectObjects(config, image, ["red square"]);
    expect(found).toHaveLength(1);
    expect(boxIoU(found[0]?.box ?? [0, 0, 0, 0], [40, 30, 130, 120])).toBeGreaterThanOrEqual(0.9);
    expect(await detectObjects(config, image, ["cyan thing"])).toEqual([]);
    // And SAM outlines it from that box, on the photo's own pixels around it.
    const [mask] = await masksForBoxes(config, image, [found[0]?.box ?? [0, 0, 0, 0]]);
    expect(maskIoU(mask?.data ?? [], await truthMask(image, "#ff0000"))).toBeGreaterThanOrEqual(0.9);
  });
});

describe("segment (SAM test model)", () => {
  it.each(SCENE.map((s) => ({ shape: s })))(
    "masks the $shape.name from its box with IoU ≥ 0.9",
    async ({ shape }) => {
      const image = await sceneImage();
      const [mask] = await masksForBoxes(config, image, [shape.box]);
      expect(mask?.width).toBe(image.width);
      expect(maskIoU(mask?.data ?? [], await truthMask(image, shape.colour))).toBeGreaterThanOrEqual(0.9);
    },
  );

  it("masks every box of one call separately", async () => {
    const image = await sceneImage();
    const masks = await masksForBoxes(
      config,
      image,
      SCENE.map((s) => s.box),
    );
    expect(masks).toHaveLength(SCENE.length);
    for (const [i, s] of SCENE.entries())
      expect(maskIoU(masks[i]?.data ?? [], await truthMask(image, s.colour))).toBeGreaterThanOrEqual(0.9);
  });

  it("masks the shape under a point", async () => {
    const image = await sceneImage();
    const [mask] = await maskForPoints(config, image, [[350, 220]], [1]);
    expect(maskIoU(mask?.data ?? [], await truthMask(image, "#0000ff"))).toBeGreaterThanOrEqual(0.9);
  });
});

describe("cutout (MODNet test model)", () => {
  it("clears the flat background and keeps the shapes", async () => {
    const image = await sceneImage(SCENE, { background: "#e8e0d0" });
    const cut = await cutOut(config, image);
    expect(cut?.what).toBe("the subject");
    const alpha = cut?.alpha ?? new Uint8Array();
    const at = (x: number, y: number) => alpha[y * image.width + x];
    // Background: corners and between the shapes; shapes: well inside each.
    for (const [x, y] of [
      [2, 2],
      [470, 350],
      [250, 100],
      [450, 40],
    ] as const)
      expect(at(x, y)).toBe(0);
    for (const s of SCENE) {
      const [x0, y0, x1, y1] = s.box;
      expect(at(Math.round((x0 + x1) / 2), Math.round((y0 + y1) / 2))).toBe(255);
      expect(at(x0 + 4, Math.round((y0 + y1) / 2))).toBe(255);
    }
  });

  it("cuts out a named object only (detect, then SAM)", async () => {
    const image = await sceneImage();
    const cut = await cutOut(config, image, "red square");
    expect(cut?.what).toBe("red square");
    const truth = await truthMask(image, "#ff0000");
    expect(
      maskIoU(
        Uint8Array.from(cut?.alpha ?? [], (a) => (a ? 1 : 0)),
        truth,
      ),
    ).toBeGreaterThanOrEqual(0.9);
    expect(await cutOut(config, image, "yellow star")).toBeUndefined();
  });
});
