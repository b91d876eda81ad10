import { describe, expect, it } from "vitest";
import { createWebAdapter } from "../../../src/bots/web/adapter.js";

/** The playground adapter's memory: sessions and their catch-up history do not pile up forever. */
describe("the web adapter's sessions", () => {
  it("forgets a session's history once it has been idle with no open stream; keeps one with a stream open", () => {
    let t = 0;
    const adapter = createWebAdapter({ now: () => t });
    adapter.emit("idle", { type: "queued", requestId: "web:1", position: 1 });
    adapter.emit("watching", { type: "queued", requestId: "web:2", position: 1 });
    const seen: string[] = [];
    adapter.subscribe("watching", (e) => seen.push(e.type));
    adapter.track("web:3", "idle");

    t = 30_000;
    adapter.prune(60_000);
    expect(adapter.history("idle")).toHaveLength(1); // not idle long enough yet

    t = 120_000;
    adapter.prune(60_000);
    expect(adapter.history("idle")).toEqual([]);
    expect(adapter.history("watching")).toHaveLength(1);
    // A request tracked for the forgotten session no longer routes progress anywhere.
    adapter.progress("web:3", { stage: "thinking", at: t });
    expect(adapter.history("idle")).toEqual([]);
    adapter.emit("watching", { type: "queued", requestId: "web:4", position: 2 });
    expect(seen).toEqual(["queued"]);
  });
});
