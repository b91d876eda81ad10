import { describe, expect, it } from "vitest";
import { postCardFor } from "../../../src/bots/post-card.js";
import { parseTimeFormId, timeAsked, timeFormId, typedClick } from "../../../src/bots/post-when.js";
import { testConfig } from "../../helpers/queue.js";

/** A post with `n` captions, as the engine delivers it. */
const bundle = (n: number) => ({
  platform: "mastodon",
  variants: Array.from({ length: n }, (_, i) => ({ text: `Caption ${i + 1}`, hashtags: [], chars: 9 })),
  altText: "A red frisbee",
  limit: 500,
});

describe("Other time… and Reschedule: the form for a typed time", () => {
  it("every caption keeps its Other time… within Discord's 25 options, however many slots are configured", () => {
    const slots = Array.from({ length: 10 }, (_, i) => `in ${i + 1} hours`);
    const config = testConfig({ publish: { slots, timeZone: "Europe/Berlin" } });
    const menu = postCardFor("discord:1", bundle(5), config).actions.find(
      (a) => a.id === "post:discord:1:schedule",
    );
    const options = menu?.type === "select" ? menu.options : [];
    expect(options).toHaveLength(25);
    expect(options.filter((o) => o.value.endsWith("-other")).map((o) => [o.value, o.label])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`${n}-other`, `Caption ${n} · Other time…`]),
    );
    // With one caption, the options are the slots and Other time…, without "Caption 1 ·".
    const one = postCardFor("discord:1", bundle(1), config).actions.find((a) => a.type === "select");
    expect(one?.type === "select" && one.options.map((o) => o.label).at(-1)).toBe("Other time…");
    expect(one?.type === "select" && one.options).toHaveLength(11);
  });

  it("opens for Other time… and Reschedule only, and its id carries the post and the caption there and back", () => {
    expect(timeAsked({ postId: "slack:cmd:t1", action: "schedule", value: "2-other" })).toEqual({
      postId: "slack:cmd:t1",
      caption: 2,
    });
    expect(timeAsked({ postId: "slack:cmd:t1", action: "reschedule" })).toEqual({ postId: "slack:cmd:t1" });
    expect(timeAsked({ postId: "p", action: "schedule", value: "2-1790000000" })).toBeUndefined();
    expect(timeAsked({ postId: "p", action: "approve-1" })).toBeUndefined();

    for (const ask of [{ postId: "slack:cmd:t1", caption: 2 }, { postId: "discord:92:x" }]) {
      expect(parseTimeFormId(timeFormId(ask))).toEqual(ask);
    }
    expect(parseTimeFormId("post:discord:1:schedule")).toBeUndefined();
    expect(parseTimeFormId("when:x:discord:1")).toBeUndefined();
    expect(typedClick({ postId: "p", caption: 3 }, "tomorrow 9am")).toEqual({
      postId: "p",
      action: "schedule",
      value: "3-other",
      words: "tomorrow 9am",
    });
    expect(typedClick({ postId: "p" }, "friday 17:30")).toEqual({
      postId: "p",
      action: "reschedule",
      words: "friday 17:30",
    });
  });
});
