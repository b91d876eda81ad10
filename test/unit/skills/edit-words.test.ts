import { describe, expect, it } from "vitest";
import { describeOp } from "../../../src/skills/edit/describe.js";
import { readEdits } from "../../../src/skills/edit/index.js";
import { type EditOp, editOpSchema } from "../../../src/skills/edit/schema.js";

// The forgiving reader: what people type → the exact operations, in order.
const sq = { op: "crop", aspect: "1:1", strategy: "attention" } as const;
const crop = (aspect: string) => ({ op: "crop", aspect, strategy: "attention" }) as const;
const bright = (amount: number) => ({ op: "brightness", amount }) as const;
const contrast = (amount: number) => ({ op: "contrast", amount }) as const;
const sat = (amount: number) => ({ op: "saturation", amount }) as const;
const warm = (amount: number) => ({ op: "warmth", amount }) as const;
const tint = (amount: number) => ({ op: "tint", amount }) as const;
const rotate = (degrees: 90 | 180 | 270) => ({ op: "rotate", degrees }) as const;
const bw = { op: "grayscale" } as const;

const PHRASINGS: [string, EditOp[]][] = [
  // brightness
  ["brighter", [bright(20)]],
  ["brighter please", [bright(20)]],
  ["a bit brighter", [bright(10)]],
  ["make it much brighter", [bright(40)]],
  ["brighten it up", [bright(20)]],
  ["increase the exposure", [bright(20)]],
  ["it's too dark", [bright(20)]],
  ["darker", [bright(-20)]],
  ["slightly darker", [bright(-10)]],
  ["darker by 30%", [bright(-30)]],
  ["brightness +20 %", [bright(20)]],
  ["brightness -15", [bright(-15)]],
  ["make the photo a little lighter", [bright(10)]],
  // contrast
  ["more contrast", [contrast(20)]],
  ["a lot more contrast", [contrast(40)]],
  ["less contrast", [contrast(-20)]],
  ["boost the contrast", [contrast(20)]],
  ["contrast +25%", [contrast(25)]],
  ["flatter", [contrast(-20)]],
  // saturation, black and white, sepia
  ["more saturated", [sat(20)]],
  ["more vivid", [sat(20)]],
  ["make the colours pop", [sat(20)]],
  ["slightly less saturated", [sat(-10)]],
  ["desaturate", [sat(-20)]],
  ["black and white", [bw]],
  ["b&w", [bw]],
  ["B & W", [bw]],
  ["make it black & white", [bw]],
  ["convert it to grayscale", [bw]],
  ["monochrome", [bw]],
  ["sepia", [{ op: "sepia" }]],
  ["sepia toned", [{ op: "sepia" }]],
  // warmth and tint
  ["make it warmer", [warm(20)]],
  ["warmer", [warm(20)]],
  ["a little warmer", [warm(10)]],
  ["much warmer", [warm(40)]],
  ["warm it up", [warm(20)]],
  ["cooler", [warm(-20)]],
  ["make it cooler by 15 %", [warm(-15)]],
  ["it's too blue", [warm(20)]],
  ["warmth -30", [warm(-30)]],
  ["more magenta", [tint(20)]],
  ["a touch greener", [tint(-10)]],
  // detail and effects
  ["sharpen", [{ op: "sharpen", amount: 50 }]],
  ["a bit sharper", [{ op: "sharpen", amount: 25 }]],
  ["sharpen 70%", [{ op: "sharpen", amount: 70 }]],
  ["add a vignette", [{ op: "vignette", amount: 50 }]],
  ["a strong vignette", [{ op: "vignette", amount: 80 }]],
  ["darken the corners", [{ op: "vignette", amount: 50 }]],
  ["blur", [{ op: "blur", sigma: 6 }]],
  ["blur 4", [{ op: "blur", sigma: 4 }]],
  ["make it pop", [{ op: "enhance" }]],
  ["enhance", [{ op: "enhance" }]],
  ["auto fix", [{ op: "enhance" }]],
  // turning and mirroring
  ["rotate left", [rotate(270)]],
  ["rotate right", [rotate(90)]],
  ["rotate 90", [rotate(90)]],
  ["rotate 90 degrees counter-clockwise", [rotate(270)]],
  ["turn it upside down", [rotate(180)]],
  ["rotate 180°", [rotate(180)]],
  ["rotate -90", [rotate(270)]],
  ["mirror it", [{ op: "flip", axis: "horizontal" }]],
  ["flip horizontally", [{ op: "flip", axis: "horizontal" }]],
  ["flip it vertically", [{ op: "flip", axis: "vertical" }]],
  ["straighten 3 degrees", [{ op: "straighten", degrees: 3 }]],
  ["straighten by 2° counter-clockwise", [{ op: "straighten", degrees: -2 }]],
  ["rotate 4 degrees left", [{ op: "straighten", degrees: -4 }]],
  // framing
  ["crop it square", [sq]],
  ["square", [sq]],
  ["crop to a square", [sq]],
  ["crop portrait", [crop("4:5")]],
  ["make it a story", [crop("9:16")]],
  ["landscape", [crop("16:9")]],
  ["16:9", [crop("16:9")]],
  ["crop 4:5", [crop("4:5")]],
  ["crop it 16 by 9", [crop("16:9")]],
  ["for instagram", [crop("4:5")]],
  ["crop it for an instagram story", [crop("9:16")]],
  ["crop for linkedin", [crop("1.91:1")]],
  ["resize 1080", [{ op: "resize", width: 1080 }]],
  ["resize to 1080x1350", [{ op: "resize", width: 1080, height: 1350 }]],
  // looks and text
  ["look autumn", [{ op: "look", name: "autumn" }]],
  ["vintage", [{ op: "look", name: "vintage" }]],
  ["give it a winter vibe", [{ op: "look", name: "winter" }]],
  ["make it look retro", [{ op: "look", name: "vintage" }]],
  ['caption "Sunday, and the lake"', [{ op: "caption", text: "Sunday, and the lake" }]],
  ['add a watermark "© Ann"', [{ op: "watermark", text: "© Ann" }]],
  // combined with "and", commas, "then" and "+"
  ["make it warmer and crop it square", [warm(20), sq]],
  ["brighter, more contrast, then black and white", [bright(20), contrast(20), bw]],
  ["black and white and crop it square", [bw, sq]],
  ["a bit brighter and much warmer", [bright(10), warm(40)]],
  ["rotate left then mirror it", [rotate(270), { op: "flip", axis: "horizontal" }]],
  ["look autumn + crop 4:5", [{ op: "look", name: "autumn" }, crop("4:5")]],
  ["can you make it a bit brighter, then crop it for instagram please", [bright(10), crop("4:5")]],
  [
    "Sharpen and add a vignette.",
    [
      { op: "sharpen", amount: 50 },
      { op: "vignette", amount: 50 },
    ],
  ],
  [
    "brightness +20 %, contrast -10 % and straighten 2 degrees",
    [bright(20), contrast(-10), { op: "straighten", degrees: 2 }],
  ],
  // the ways people word text onto the photo, stray spaces included
  ['add a caption  saying "Sunday at the lake"', [{ op: "caption", text: "Sunday at the lake" }]],
  ['put the title that says "Hello"', [{ op: "caption", text: "Hello" }]],
  ['put the title  that says "Hello"', [{ op: "caption", text: "Hello" }]],
  ['text  reading "Open late"', [{ op: "caption", text: "Open late" }]],
  ['label  with "Fragile"', [{ op: "caption", text: "Fragile" }]],
  ['caption  "Two spaces"', [{ op: "caption", text: "Two spaces" }]],
  ["caption:Sunday", [{ op: "caption", text: "Sunday" }]],
  ["text:   Sunday at the lake", [{ op: "caption", text: "Sunday at the lake" }]],
  ["watermark  saying © Ann", [{ op: "watermark", text: "© Ann" }]],
  ["watermark  that says © Ann", [{ op: "watermark", text: "© Ann" }]],
  ["watermark  reading © Ann", [{ op: "watermark", text: "© Ann" }]],
  ["watermark  with © Ann", [{ op: "watermark", text: "© Ann" }]],
  ["watermark  © Ann", [{ op: "watermark", text: "© Ann" }]],
  ['watermark "© Ann', [{ op: "watermark", text: "© Ann" }]],
  ['watermark © Ann"', [{ op: "watermark", text: "© Ann" }]],
  // a size or a shape: ":" is always a shape, a size verb or a side over 64 makes a size
  ["resize to 4:5", [crop("4:5")]],
  ["1080x1350", [{ op: "resize", width: 1080, height: 1350 }]],
  ["1080x1350px", [{ op: "resize", width: 1080, height: 1350 }]],
  ["scale 40x30", [{ op: "resize", width: 40, height: 30 }]],
  ["64x64", [crop("64:64")]],
  ["1080x50", [{ op: "resize", width: 1080, height: 50 }]],
  ["crop to a 4:5", [crop("4:5")]],
  ["crop to 2.35:1", [crop("2.35:1")]],
  ["crop 1:1.91", [crop("1:1.91")]],
  ["resize 1080px", [{ op: "resize", width: 1080 }]],
  ["1080px wide", [{ op: "resize", width: 1080 }]],
  // amounts with decimals and spaced signs
  ["brighter by 12.75%", [bright(12.75)]],
  ["brightness + 20%", [bright(20)]],
  ["darker by 7.25", [bright(-7.25)]],
  ["contrast -7.25", [contrast(-7.25)]],
  ["brightness 12.75", [bright(12.75)]],
  // separators and politeness
  ["sepia; square", [{ op: "sepia" }, sq]],
  ["sepia. square", [{ op: "sepia" }, sq]],
  ["sepia & square", [{ op: "sepia" }, sq]],
  ["sepia plus square", [{ op: "sepia" }, sq]],
  ["sepia also square", [{ op: "sepia" }, sq]],
  ["sepia +square", [{ op: "sepia" }, sq]],
  ["sepia please thanks", [{ op: "sepia" }]],
  ["sepia, please!", [{ op: "sepia" }]],
  ["sepia!!", [{ op: "sepia" }]],
  ["sepia, thank you.", [{ op: "sepia" }]],
  // the second and third ways of saying an adjustment
  ["lower the exposure", [bright(-20)]],
  ["underexpose it", [bright(-20)]],
  ["it's too bright", [bright(-20)]],
  ["punchier", [contrast(20)]],
  ["reduce the contrast", [contrast(-20)]],
  ["boost the saturation", [sat(20)]],
  ["it's too dull", [sat(20)]],
  ["less washed out", [sat(20)]],
  // background colours by name
  ["grey background", [{ op: "background", action: "colour", colour: "#808080" }]],
  ["gray background", [{ op: "background", action: "colour", colour: "#808080" }]],
  ["replace the background with red", [{ op: "background", action: "colour", colour: "#d02020" }]],
  ["green background", [{ op: "background", action: "colour", colour: "#20a040" }]],
  ["blue background", [{ op: "background", action: "colour", colour: "#2050d0" }]],
  ["replace the background with yellow", [{ op: "background", action: "colour", colour: "#f0d020" }]],
  ["pink background", [{ op: "background", action: "colour", colour: "#f0a0c0" }]],
];

describe("the forgiving reader", () => {
  it("has at least 60 phrasings", () => expect(PHRASINGS.length).toBeGreaterThanOrEqual(60));

  it.each(PHRASINGS)("%s", (typed, expected) => {
    const steps = readEdits(typed);
    expect(steps.every((s) => s.kind === "ops")).toBe(true);
    expect(steps.flatMap((s) => (s.kind === "ops" ? s.ops : []))).toEqual(expected);
  });

  // These are not guessed: the reader hands them to the model.
  it.each([
    "make it better for my boss",
    "make it look more professional",
    "fix it",
    "like the one I posted yesterday",
    "more autumnal but not too much",
  ])("%s goes to the model", (typed) => {
    expect(readEdits(typed)).toEqual([{ kind: "unplaced", said: typed }]);
  });

  it("keeps the placed parts and hands over only the rest, in order", () => {
    expect(readEdits("make it warmer and make it better for my boss")).toEqual([
      { kind: "ops", said: "make it warmer", ops: [warm(20)] },
      { kind: "unplaced", said: "make it better for my boss" },
    ]);
  });

  it("knows what needs an image generator, and reads background and subject edits", () => {
    expect(readEdits("add a hat and a scarf, then crop it square")).toEqual([
      { kind: "generate", said: "add a hat and a scarf" },
      { kind: "ops", said: "crop it square", ops: [sq] },
    ]);
    expect(readEdits("make it look like a painting")).toEqual([
      { kind: "generate", said: "make it look like a painting" },
    ]);
    const one = (text: string) =>
      readEdits(text).flatMap((s): unknown[] => (s.kind === "ops" ? s.ops : [s.kind]));
    expect(one("remove the background")).toEqual([{ op: "background", action: "remove" }]);
    expect(one("blur the background")).toEqual([{ op: "background", action: "blur" }]);
    expect(one("cutout + crop subject 4:5")).toEqual([
      { op: "background", action: "remove" },
      { op: "cropSubject", aspect: "4:5" },
    ]);
    expect(one("crop to the subject")).toEqual([{ op: "cropSubject" }]);
    expect(one("replace the background with white")).toEqual([
      { op: "background", action: "colour", colour: "#ffffff" },
    ]);
    expect(one("black background")).toEqual([{ op: "background", action: "colour", colour: "#000000" }]);
  });

  it.each([
    ["brighter by 300 %", /“brighter by 300 %”: amounts go from 1 to 100 %/],
    ["rotate 45 degrees", /rotate by 90, 180 or 270, or straighten by up to 15/],
    ["straighten", /Tell me by how much to straighten/],
    ["straighten 20 degrees", /up to 15 degrees either way, not 20/],
    ["resize 5", /widths go from 16 to 8192 pixels/],
    ["add a watermark", /Put the words in quotes/],
  ])("%s is refused with one sentence", (typed, sentence) => {
    expect(() => readEdits(typed)).toThrow(sentence);
  });

  // What the answer says it did reads back as the same operation, so people can repeat it.
  it.each([
    bright(20),
    bright(-35),
    contrast(15),
    contrast(-20),
    sat(30),
    sat(-10),
    warm(20),
    warm(-25),
    tint(12),
    tint(-20),
    bw,
    { op: "sepia" },
    { op: "sharpen", amount: 40 },
    { op: "vignette", amount: 60 },
    { op: "blur", sigma: 6 },
    { op: "enhance" },
    rotate(90),
    rotate(180),
    rotate(270),
    { op: "flip", axis: "horizontal" },
    { op: "flip", axis: "vertical" },
    { op: "straighten", degrees: 2.5 },
    { op: "straighten", degrees: -3 },
    crop("4:5"),
    { op: "resize", width: 1080 },
    { op: "resize", width: 1080, height: 1350 },
    { op: "look", name: "autumn" },
    { op: "caption", text: "Sunday, and the lake" },
    { op: "watermark", text: "© Ann" },
  ] as EditOp[])("“%o” reads back as itself", (op) => {
    const said = describeOp(editOpSchema.parse(op));
    const steps = readEdits(said);
    expect(steps.flatMap((s): unknown[] => (s.kind === "ops" ? s.ops : [s]))).toEqual([op]);
  });
});
