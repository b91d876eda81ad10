import { afterEach, describe, expect, it, vi } from "vitest";
import { createEditBudget } from "../../../src/bots/slack/budget.js";

describe("Slack's per-workspace chat.update budget", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("later partial edits are paced to their share after a burst; first words and finals still go", () => {
    vi.useFakeTimers();
    const budget = createEditBudget(50, 0.6, 10);
    budget.live("T1", true);
    let later = 0;
    while (budget.partial("T1", false)) later++;
    expect(later).toBe(10); // the burst
    vi.advanceTimersByTime(1000);
    expect(budget.partial("T1", false)).toBe(false); // 30 a minute: one every two seconds
    vi.advanceTimersByTime(1000);
    expect(budget.partial("T1", false)).toBe(true);
    budget.live("T1", true); // a new answer in the same workspace
    expect(budget.partial("T1", true)).toBe(true); // its first words are not held back
    // Other workspaces have budgets of their own.
    expect(budget.partial("T2", false)).toBe(true);
  });

  it("every live answer keeps an edit back for its final text", () => {
    vi.useFakeTimers();
    const budget = createEditBudget(10, 1, 100);
    for (let k = 0; k < 3; k++) budget.live("T1", true);
    let sent = 0;
    while (budget.partial("T1", true)) sent++;
    expect(sent).toBe(7); // 10 less the three finals
  });

  it("no sixty seconds hold more than the limit, and calls age out of the window", () => {
    vi.useFakeTimers();
    const budget = createEditBudget(10, 1, 100);
    let sent = 0;
    for (let s = 0; s < 30; s++) {
      while (budget.partial("T1", true)) sent++;
      vi.advanceTimersByTime(1000);
    }
    expect(sent).toBe(10); // the first ten, then nothing until they are a minute old
    vi.advanceTimersByTime(31_000);
    expect(budget.partial("T1", true)).toBe(true);
  });

  it("a ratelimited answer pauses partial edits for its Retry-After", () => {
    vi.useFakeTimers();
    const budget = createEditBudget();
    budget.pause("T1", 5);
    expect(budget.partial("T1", true)).toBe(false);
    vi.advanceTimersByTime(5001);
    expect(budget.partial("T1", true)).toBe(true);
  });
});
