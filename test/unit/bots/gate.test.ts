import { describe, expect, it } from "vitest";
import { createGate } from "../../../src/bots/gate.js";

/** A task that finishes only when the test says so, recording how many ran at once. */
function controlled(state: { running: number; most: number; order: number[] }, id: number) {
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => {
    finish = r;
  });
  const task = async () => {
    state.running++;
    state.most = Math.max(state.most, state.running);
    state.order.push(id);
    await done;
    state.running--;
    return id;
  };
  return { task, finish };
}

describe("gate", () => {
  it("runs at most its limit at once, the rest in arrival order, and passes results and errors through", async () => {
    const gate = createGate(2);
    const state = { running: 0, most: 0, order: [] as number[] };
    const tasks = [0, 1, 2, 3, 4].map((id) => controlled(state, id));
    const results = tasks.map((t) => gate.run(t.task));
    await new Promise((r) => setImmediate(r));
    expect(state.order).toEqual([0, 1]);
    for (const t of tasks) {
      t.finish();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(state.most).toBe(2);
    expect(state.order).toEqual([0, 1, 2, 3, 4]);
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    // A failed task gives its slot back.
    expect(await gate.run(async () => "after")).toBe("after");
  });

  it("lets a foreground task ahead of background tasks that were waiting before it", async () => {
    const gate = createGate(1);
    const state = { running: 0, most: 0, order: [] as number[] };
    const tasks = [0, 1, 2, 3].map((id) => controlled(state, id));
    const [busy, bg1, bg2, person] = tasks as [
      (typeof tasks)[0],
      (typeof tasks)[0],
      (typeof tasks)[0],
      (typeof tasks)[0],
    ];
    const results = [
      gate.run(busy.task, { background: true }),
      gate.run(bg1.task, { background: true }),
      gate.run(bg2.task, { background: true }),
      gate.run(person.task),
    ];
    for (const t of [busy, person, bg1, bg2]) {
      await new Promise((r) => setImmediate(r));
      t.finish();
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    // The upload already decoding finishes; the person's task goes next, then the other uploads.
    expect(state.order).toEqual([0, 3, 1, 2]);
    expect(state.most).toBe(1);
  });
});
