import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveReply, type LiveSurface } from "../../../src/bots/live-reply.js";

/** A surface that records what it was asked to draw; `gate` holds edits in flight until opened. */
function recorder() {
  const calls: {
    op: "edit" | "append" | "remove";
    id: string;
    text: string;
    live: boolean;
    attach?: string;
  }[] = [];
  let next = 1;
  let gate: Promise<void> | undefined;
  const surface: LiveSurface<string> = {
    async edit(id, text, o) {
      await gate;
      calls.push({ op: "edit", id, text, live: o.live, ...(o.attach ? { attach: o.attach } : {}) });
    },
    async append(text, o) {
      await gate;
      const id = `m${++next}`;
      calls.push({ op: "append", id, text, live: o.live, ...(o.attach ? { attach: o.attach } : {}) });
      return id;
    },
    async remove(id) {
      calls.push({ op: "remove", id, text: "", live: false });
    },
  };
  return {
    calls,
    surface,
    hold() {
      let open = () => {};
      gate = new Promise<void>((r) => {
        open = r;
      });
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe("LiveReply", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("edits at most once per interval and draws the newest text as soon as the interval is up", async () => {
    vi.useFakeTimers();
    const r = recorder();
    const live = new LiveReply(r.surface, "m1", { limit: 100, minIntervalMs: 1000 });
    expect(live.show("one")).toBe(true);
    await settle();
    expect(live.show("one two")).toBe(false);
    expect(live.show("one two three")).toBe(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(r.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.calls.map((c) => c.text)).toEqual(["one ▌", "one two three ▌"]); // "one two" was never drawn
    expect(r.calls.every((c) => c.id === "m1" && c.live)).toBe(true);
  });

  it("never sends an edit while one is in flight, and the answer waits for it", async () => {
    vi.useFakeTimers();
    const r = recorder();
    const live = new LiveReply(r.surface, "m1", { limit: 100, minIntervalMs: 0 });
    const open = r.hold();
    live.show("partial");
    expect(live.show("partial more")).toBe(false);
    const done = live.finish("the answer");
    await settle();
    expect(r.calls).toHaveLength(0); // the partial is still in flight; the answer has not overtaken it
    open();
    await done;
    expect(r.calls.map((c) => c.text)).toEqual(["partial ▌", "the answer"]);
    expect(r.calls.at(-1)?.live).toBe(false);
    live.show("late partial");
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.calls).toHaveLength(2); // nothing lands after the answer
  });

  it("continues past the limit in follow-ups, the Stop control on the newest, files where asked", async () => {
    vi.useFakeTimers();
    const r = recorder();
    const live = new LiveReply(r.surface, "m1", { limit: 30, minIntervalMs: 0 });
    const words = Array.from({ length: 12 }, (_, i) => `word${i}`).join(" ");
    live.show(words);
    await settle();
    const first = r.calls.filter((c) => c.id === "m1").at(-1);
    const added = r.calls.filter((c) => c.op === "append");
    expect(first?.live).toBe(false); // a finished message loses its Stop button
    expect(added.at(-1)?.live).toBe(true);
    for (const c of r.calls) expect([...c.text].length).toBeLessThanOrEqual(30);
    const ids = await live.finish(words, "photo.png", "last");
    const shown = ids.map((id) => r.calls.filter((c) => c.id === id).at(-1)?.text).join(" ");
    expect(shown.split(" ")).toEqual(words.split(" ")); // no word cut or lost
    expect(r.calls.filter((c) => c.attach === "photo.png").map((c) => c.id)).toEqual([ids.at(-1)]);
  });

  it("a shorter final answer removes the continuations it no longer needs", async () => {
    vi.useFakeTimers();
    const r = recorder();
    const live = new LiveReply(r.surface, "m1", { limit: 20, minIntervalMs: 0 });
    live.show("aaaa bbbb cccc dddd eeee ffff gggg");
    await settle();
    const continuations = r.calls.filter((c) => c.op === "append").map((c) => c.id);
    expect(continuations.length).toBeGreaterThanOrEqual(1);
    const ids = await live.finish("short");
    expect(ids).toEqual(["m1"]);
    expect(r.calls.filter((c) => c.op === "remove").map((c) => c.id)).toEqual(continuations);
  });

  it("a refused partial holds the next one back for the time it was told, and a status line never replaces words", async () => {
    vi.useFakeTimers();
    const r = recorder();
    let fail = true;
    const surface: LiveSurface<string> = {
      ...r.surface,
      async edit(id, text, o) {
        if (fail) throw new Error("429");
        await r.surface.edit(id, text, o);
      },
    };
    const live = new LiveReply(surface, "m1", { limit: 100, minIntervalMs: 100, onError: () => 3000 });
    live.show("words");
    await settle();
    fail = false;
    live.show("more words");
    await vi.advanceTimersByTimeAsync(3000);
    expect(r.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(r.calls.map((c) => c.text)).toEqual(["more words ▌"]);
    expect(live.show("Thinking…", false)).toBe(false);
  });
});
