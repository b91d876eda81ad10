import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../../src/config/schema.js";
import type { ModelImage } from "../../../src/core/model-port.js";
import { createEngine } from "../../../src/engine/engine.js";
import { closeOcr } from "../../../src/skills/ocr/pool.js";
import { closeVision } from "../../../src/skills/vision/load.js";
import { asModelImage, fixture } from "../../helpers/images.js";
import { scriptedModel } from "../../helpers/scripted-model.js";
import { maskIoU, sceneImage, truthMask, visionConfig } from "../../helpers/shapes.js";

// LLaVA-Plus turns as its checkpoints write them (thoughts / actions / value, its tool names and
// parameters), replayed against the real skills on the generated vision test models.
let config: Config;
let scene: ModelImage;
beforeAll(async () => {
  config = await visionConfig();
  scene = await sceneImage();
});
afterAll(async () => {
  await closeVision();
  await closeOcr();
});

const call = (name: string, params: Record<string, unknown>, thought = "I need a tool.") =>
  `"thoughts🤔" ${thought}\n"actions🚀" [{"API_name": "${name}", "API_params": ${JSON.stringify(params)}}]\n"value👉" Let me look.`;
const answer = (text: string) => `"thoughts🤔" The tool answered. "actions🚀" [] "value👉" ${text}`;

async function chat(turns: string[], question: string, images: ModelImage[] = [scene]) {
  const model = scriptedModel(turns);
  const engine = await createEngine({ config, secrets: {}, model });
  const out = await engine.run(
    { command: "chat", args: {}, text: question, images, history: [] },
    { signal: new AbortController().signal },
  );
  const followUp = String(model.requests[1]?.messages.at(-1)?.content ?? "");
  return { out, model, followUp };
}

describe("the planner speaks LLaVA-Plus", () => {
  it("grounding_dino runs detect; the summary is LLaVA-Plus's compact form; the drawing reaches the user", async () => {
    const { out, model, followUp } = await chat(
      [
        call("grounding_dino", { caption: "red square", box_threshold: 0.35, text_threshold: 0.25 }),
        answer("There is one red square, top left."),
      ],
      "Where is the red square?",
    );
    expect(out.text).toBe("There is one red square, top left.");
    expect(followUp).toMatch(
      /^grounding_dino model outputs: \{'boxes': \[\[0\.1[23], 0\.14, 0\.3[78], 0\.47\]\], 'logits': \[0\.98\], 'phrases': \['red square'\]\}\n\nPlease summarize the model outputs and answer my first question: Where is the red square\?$/,
    );
    expect(out.images.map((i) => [i.filename, i.mime])).toEqual([["detected.jpg", "image/jpeg"]]);
    // The tool list the model saw names the new skills.
    const prompt = String(model.requests[0]?.messages[0]?.content);
    for (const name of ["detect:", "segment:", "cutout:"]) expect(prompt).toContain(name);
  });

  it("an empty finding is said in the same form", async () => {
    const { followUp, out } = await chat(
      [call("grounding_dino", { caption: "yellow star" }), answer("I see no yellow star.")],
      "Is there a yellow star?",
    );
    expect(followUp).toMatch(
      /^grounding_dino model outputs: \{'boxes': \[\], 'logits': \[\], 'phrases': \[\]\}/,
    );
    expect(out.images).toEqual([]);
  });

  it("sam with normalised boxes, and grounding_dino+sam with a caption, run segment and return the masks", async () => {
    const truth = await truthMask(scene, "#0000ff");
    for (const [name, params] of [
      ["sam", { boxes: [[0.58, 0.42, 0.88, 0.81]] }],
      ["grounding_dino+sam", { caption: "blue circle" }],
      ["sam", { points: [[0.73, 0.61]], point_labels: [1] }],
    ] as const) {
      const { out, followUp } = await chat(
        [call(name, params), answer("Outlined.")],
        "Outline the blue circle.",
      );
      expect(followUp).toMatch(
        new RegExp(`^${name.replace("+", "\\+")} model outputs: \\{'boxes': \\[\\[0\\.5[89]`),
      );
      const mask = out.images.find((i) => i.filename === "mask-1.png");
      expect(mask?.mime).toBe("image/png");
      const { data } = await (await import("sharp"))
        .default(mask?.bytes)
        .extractChannel(0)
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect(
        maskIoU(
          Uint8Array.from(data, (v) => (v > 127 ? 1 : 0)),
          truth,
        ),
      ).toBeGreaterThanOrEqual(0.9);
    }
  });

  it("easyocr runs ocr", async () => {
    const page = await asModelImage(fixture("ocr-simple.png"));
    const { followUp, out } = await chat([call("easyocr", {}), answer("It says Tesseract.js.")], "Read it.", [
      page,
    ]);
    expect(followUp).toMatch(/^easyocr model outputs: .*Tesseract\.js/s);
    expect(out.text).toBe("It says Tesseract.js.");
  });

  it("a tool with no counterpart here (controlnet), or a generator with no backend, degrades to a plain answer", async () => {
    for (const name of ["controlnet", "instruct-pix2pix"]) {
      const { out, followUp } = await chat(
        [call(name, { prompt: "make it snow" }), "I can't change the photo, but it shows three shapes."],
        "Make it snow.",
      );
      expect(out.text).toBe("I can't change the photo, but it shows three shapes.");
      expect(followUp).toMatch(new RegExp(`no tool named ${name}; answer without it`));
      expect(out.images).toEqual([]);
    }
  });
});
