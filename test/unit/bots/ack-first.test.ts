import { describe, expect, it } from "vitest";
import { createAckFirst } from "../../../src/bots/ack-first.js";

/** Which of `settled()` and `after` came first: what intake would have done before the other. */
async function first(settled: Promise<void>, afterMs: number): Promise<"settled" | "timer"> {
  const timer = new Promise<"timer">((r) => setTimeout(() => r("timer"), afterMs));
  return Promise.race([settled.then(() => "settled" as const), timer]);
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("acknowledgements first", () => {
  it("lets intake go at once when no event came in", async () => {
    const acks = createAckFirst({ quietMs: 30 });
    expect(await first(acks.settled(), 20)).toBe("settled");
  });

  it("holds intake until every event of a burst is acknowledged, then for the quiet period", async () => {
    const acks = createAckFirst({ quietMs: 30 });
    const releases = [acks.begin(), acks.begin(), acks.begin()];
    expect(acks.pending()).toBe(3);
    const settled = acks.settled(5_000);
    let done = false;
    void settled.then(() => {
      done = true;
    });
    releases[0]?.();
    releases[1]?.();
    await tick(60);
    // Two of three answered, and the quiet period long over: the third still holds intake.
    expect(done).toBe(false);
    expect(acks.pending()).toBe(1);
    releases[2]?.();
    await settled;
    expect(acks.pending()).toBe(0);
  });

  it("lets those waiting go in the order they began to wait", async () => {
    const acks = createAckFirst({ quietMs: 10 });
    const release = acks.begin();
    const order: number[] = [];
    const all = [1, 2, 3].map((n) => acks.settled(5_000).then(() => void order.push(n)));
    await tick(20);
    expect(order).toEqual([]);
    release();
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3]);
  });

  it("waits out the quiet period after the last arrival, even with nothing pending", async () => {
    const acks = createAckFirst({ quietMs: 200 });
    acks.begin()();
    expect(acks.pending()).toBe(0);
    // The burst may have more events on their way: not yet.
    expect(await first(acks.settled(5_000), 50)).toBe("timer");
  });

  it("never holds intake longer than its bound, however long an event stays unanswered", async () => {
    const acks = createAckFirst({ quietMs: 10 });
    acks.begin();
    expect(await first(acks.settled(40), 2_000)).toBe("settled");
    expect(acks.pending()).toBe(1);
  });

  it("lets go of an event by its deadline, and counts a double release once", async () => {
    const acks = createAckFirst({ quietMs: 10, deadlineMs: 40 });
    const release = acks.begin();
    acks.begin();
    release();
    release();
    expect(acks.pending()).toBe(1);
    await tick(80);
    expect(acks.pending()).toBe(0);
  });

  it("holds an event for its handler until acknowledged() inside it, or until the handler ends", async () => {
    const acks = createAckFirst();
    let seen: number[] = [];
    const handled = acks.during(async () => {
      seen.push(acks.pending());
      await tick(5);
      acks.acknowledged();
      seen.push(acks.pending());
      await tick(5);
      return "answered";
    });
    expect(await handled).toBe("answered");
    expect(seen).toEqual([1, 0]);

    seen = [];
    const silent = acks.during(async () => {
      seen.push(acks.pending());
      await tick(5);
    });
    expect(acks.pending()).toBe(1);
    await silent;
    expect(seen).toEqual([1]);
    expect(acks.pending()).toBe(0);
    // Outside any handler there is no event to let go of.
    acks.acknowledged();
    expect(acks.pending()).toBe(0);
  });

  it("lets go of an event whose handler throws or rejects, and passes the error on", async () => {
    const acks = createAckFirst();
    expect(() =>
      acks.during(() => {
        throw new Error("no handler");
      }),
    ).toThrow("no handler");
    await expect(acks.during(() => Promise.reject(new Error("refused")))).rejects.toThrow("refused");
    expect(acks.pending()).toBe(0);
    expect(acks.during(() => 7)).toBe(7);
    expect(acks.pending()).toBe(0);
  });
});
