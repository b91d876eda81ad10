import { describe, expect, it } from "vitest";
import { createInFlight } from "../../../src/bots/in-flight.js";

const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));

describe("handlers in flight at a stop", () => {
  it("counts work until it settles, fulfilled or rejected, and hands it back unchanged", async () => {
    const inFlight = createInFlight();
    const answered = inFlight.track(later(20, "answered"));
    const refused = inFlight.track(later(10, undefined).then(() => Promise.reject(new Error("refused"))));
    expect(inFlight.size()).toBe(2);
    await expect(refused).rejects.toThrow("refused");
    expect(await answered).toBe("answered");
    expect(inFlight.size()).toBe(0);
  });

  it("drain waits for the work, and for work it starts meanwhile", async () => {
    const inFlight = createInFlight();
    const done: string[] = [];
    inFlight.track(
      later(20, "first").then((v) => {
        done.push(v);
        inFlight.track(later(20, "follow-up").then((w) => void done.push(w)));
      }),
    );
    expect(await inFlight.drain(5_000)).toBe(0);
    expect(done).toEqual(["first", "follow-up"]);
  });

  it("drain gives up after its time, saying how many were left", async () => {
    const inFlight = createInFlight();
    inFlight.track(new Promise(() => undefined));
    inFlight.track(later(10, "quick"));
    expect(await inFlight.drain(60)).toBe(1);
    expect(await createInFlight().drain(60)).toBe(0);
  });
});
