import { describe, expect, it } from "vitest";
import { parseMessage } from "../../../src/bots/commands.js";

describe("typed commands (playground, mentions)", () => {
  it("reads /detect, /segment and /cutout with what they look for", () => {
    expect(parseMessage("/detect red mug . the dog")).toEqual({
      command: "detect",
      args: {},
      text: "red mug . the dog",
    });
    expect(parseMessage("/find the cat")).toEqual({ command: "detect", args: {}, text: "the cat" });
    expect(parseMessage("/segment blue circle")).toEqual({
      command: "segment",
      args: {},
      text: "blue circle",
    });
    expect(parseMessage("/cutout")).toEqual({ command: "cutout", args: {}, text: "" });
    expect(parseMessage("/cutout the mug")).toEqual({ command: "cutout", args: {}, text: "the mug" });
    expect(parseMessage("detect the dog").command).toBe("chat");
  });
});
