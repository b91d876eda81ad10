import { describe, expect, it } from "vitest";
import { batcher } from "../../../src/queue/batch.js";

/** A flush that records what each call carried and answers each item doubled. */
function recorder(fail = false) {
  const calls: number[][] = [];
  const flush = async (items: number[]) => {
    calls.push(items);
    if (fail) throw new Error("redis went away");
    return items.map((i) => i * 2);
  };
  return { calls, flush };
}

describe("batcher", () => {
  it("calls made in the same turn go in one flush; each caller gets its own result", async () => {
    const { calls, flush } = recorder();
    const b = batcher(flush);
    const results = await Promise.all([1, 2, 3].map((i) => b.now(i)));
    expect(results).toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it("a lone call is sent without waiting for company", async () => {
    const { calls, flush } = recorder();
    const b = batcher(flush);
    expect(await b.now(5)).toBe(10);
    expect(await b.now(6)).toBe(12);
    expect(calls).toEqual([[5], [6]]);
  });

  it("later items ride along with the next urgent call, in the order they were made", async () => {
    const { calls, flush } = recorder();
    const b = batcher(flush);
    const done = b.later(1, 10_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([]); // nothing urgent yet, and the deadline is far
    expect(await b.now(2)).toBe(4);
    expect(await done).toBe(2);
    expect(calls).toEqual([[1, 2]]);
  });

  it("later items go by themselves once their deadline passes", async () => {
    const { calls, flush } = recorder();
    const b = batcher(flush);
    const started = Date.now();
    expect(await b.later(7, 30)).toBe(14);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(calls).toEqual([[7]]);
  });

  it("a failed flush rejects every caller in it", async () => {
    const { flush } = recorder(true);
    const b = batcher(flush);
    const outcomes = await Promise.allSettled([b.now(1), b.now(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect((outcomes[0] as PromiseRejectedResult).reason.message).toBe("redis went away");
  });

  it("a flush that answers too few items rejects the callers left without an answer", async () => {
    const b = batcher(async (items: number[]) => items.slice(1));
    const outcomes = await Promise.allSettled([b.now(1), b.now(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);
  });

  it("big bursts are sent in bounded parts", async () => {
    const { calls, flush } = recorder();
    const b = batcher(flush, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => b.now(i)));
    expect(calls).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("drain sends what waits and resolves once it is answered", async () => {
    const { calls, flush } = recorder();
    const b = batcher(flush);
    let answered = false;
    void b.later(3, 60_000).then(() => {
      answered = true;
    });
    await b.drain();
    expect(answered).toBe(true);
    expect(calls).toEqual([[3]]);
  });
});
