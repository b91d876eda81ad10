import { describe, expect, it } from "vitest";
import { parseEdits } from "../../../src/skills/edit/index.js";

// The strict edit syntax (`look autumn + crop 4:5`); the forgiving reader is in edit-words.test.ts.
describe("parseEdits", () => {
  it("reads the forms people type", () => {
    expect(parseEdits("look autumn + crop 4:5")).toEqual([
      { op: "look", name: "autumn" },
      { op: "crop", aspect: "4:5", strategy: "attention" },
    ]);
    expect(parseEdits('vintage, square, watermark "© Ann"')).toEqual([
      { op: "look", name: "vintage" },
      { op: "crop", aspect: "1:1", strategy: "attention" },
      { op: "watermark", text: "© Ann" },
    ]);
    expect(parseEdits("enhance then resize 1080")).toEqual([
      { op: "enhance" },
      { op: "resize", width: 1080 },
    ]);
  });

  it("names the edit it does not know (the skill asks the model; parseEdits alone cannot)", () => {
    expect(() => parseEdits("crop 4:5 and make it look like a van gogh")).toThrow(
      "I don't know the edit “make it look like a van gogh”.",
    );
    expect(() => parseEdits("look sepia-ish")).toThrow(/sepia-ish/);
  });
});
