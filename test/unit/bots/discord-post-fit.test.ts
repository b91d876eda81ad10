import { describe, expect, it } from "vitest";
import { fitPost } from "../../../src/bots/discord/render.js";

describe("a Discord post message that would pass 2,000 characters", () => {
  it("stays as it is when it fits", () => {
    const text = "1. A bright frisbee over the park\n2. Weekend plans: chase the disc";
    expect(fitPost(text)).toEqual({ content: text });
  });

  it("shows its start cut at a word, says where the rest is, and carries the whole post as post.txt", () => {
    const captions = Array.from(
      { length: 3 },
      (_, n) => `${n + 1}. ${"sunny park frisbee afternoon ".repeat(30)}`,
    );
    const text = captions.join("\n\n");
    expect(text.length).toBeGreaterThan(2000);
    const fitted = fitPost(text);
    expect([...fitted.content].length).toBeLessThanOrEqual(2000);
    expect(fitted.content.endsWith("\n… the whole post is in post.txt")).toBe(true);
    const shown = fitted.content.replace("\n… the whole post is in post.txt", "");
    expect(text.startsWith(shown)).toBe(true);
    expect(shown).toMatch(/(afternoon|sunny|park|frisbee)$/); // no word cut in half
    expect(fitted.overflow?.name).toBe("post.txt");
    expect(fitted.overflow?.data.toString("utf8")).toBe(text);
  });
});
