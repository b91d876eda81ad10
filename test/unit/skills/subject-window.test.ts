import { describe, expect, it } from "vitest";
import { windowAround } from "../../../src/skills/edit/subject.js";

describe("the window kept around a subject", () => {
  it("a 9:16 window on a wide photo slides to the edge the subject sits at and holds all of it", () => {
    const box = { left: 1080, top: 150, width: 100, height: 100 };
    const w = windowAround(box, 1200, 400, 9 / 16, "largest");
    expect(w.height).toBe(400);
    expect(w.width).toBe(225);
    expect(w.left + w.width).toBe(1200);
    expect(w.left).toBeLessThanOrEqual(box.left);
  });

  it("tight with a small margin without a ratio, and the largest window centred on it when none can hold it", () => {
    expect(windowAround({ left: 100, top: 100, width: 100, height: 50 }, 1000, 1000)).toEqual({
      left: 96,
      top: 96,
      width: 108,
      height: 58,
    });
    expect(windowAround({ left: 100, top: 100, width: 100, height: 50 }, 1000, 1000, 4 / 5)).toEqual({
      left: 96,
      top: 58,
      width: 108,
      height: 135,
    });
    const big = windowAround({ left: 0, top: 0, width: 1000, height: 200 }, 1000, 400, 1, "largest");
    expect(big).toEqual({ left: 300, top: 0, width: 400, height: 400 });
  });
});
