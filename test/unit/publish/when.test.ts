import { describe, expect, it } from "vitest";
import { describeWhen, nextSlots, parseWhen, whenLine } from "../../../src/publish/when.js";
import { instantInZone, isoInZone } from "../../../src/publish/zone.js";

const ok = (w: ReturnType<typeof parseWhen>) => {
  if (!w.ok) throw new Error(w.message);
  return w.at;
};
const MAX = { maxAheadDays: 60 };

describe("reading a time in a zone", () => {
  it("Berlin, the evening before summer time: tomorrow 9am is 09:00 CEST, not 09:00 CET", () => {
    const now = Date.parse("2026-03-28T20:00:00+01:00");
    const at = ok(parseWhen("tomorrow 9am", { zone: "Europe/Berlin", now, ...MAX }));
    expect(isoInZone("Europe/Berlin", at)).toBe("2026-03-29T09:00:00+02:00");
    expect(new Date(at).toISOString()).toBe("2026-03-29T07:00:00.000Z");
  });

  it("New York, the evening before the clocks go back: tomorrow 9am is 09:00 EST", () => {
    const now = Date.parse("2026-10-31T20:00:00-04:00");
    const at = ok(parseWhen("tomorrow 9am", { zone: "America/New_York", now, ...MAX }));
    expect(isoInZone("America/New_York", at)).toBe("2026-11-01T09:00:00-05:00");
    expect(new Date(at).toISOString()).toBe("2026-11-01T14:00:00.000Z");
  });

  it("Sydney, the evening before daylight time ends: tomorrow 9am is 09:00 AEST", () => {
    const now = Date.parse("2026-04-04T20:00:00+11:00");
    const at = ok(parseWhen("tomorrow 9am", { zone: "Australia/Sydney", now, ...MAX }));
    expect(isoInZone("Australia/Sydney", at)).toBe("2026-04-05T09:00:00+10:00");
  });

  it("Kolkata (+05:30, no daylight time): next friday 17:30 and a plain weekday", () => {
    const now = Date.parse("2026-06-01T10:00:00+05:30"); // a Monday
    const friday = ok(parseWhen("next friday 17:30", { zone: "Asia/Kolkata", now, ...MAX }));
    expect(isoInZone("Asia/Kolkata", friday)).toMatch(/^2026-06-(05|12)T17:30:00\+05:30$/);
    const wed = ok(parseWhen("wednesday 08:15", { zone: "Asia/Kolkata", now, ...MAX }));
    expect(isoInZone("Asia/Kolkata", wed)).toBe("2026-06-03T08:15:00+05:30");
  });

  it("the same words are different instants in different zones", () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const at = (zone: string) => ok(parseWhen("tomorrow 09:00", { zone, now, ...MAX }));
    expect(new Date(at("Europe/Berlin")).toISOString()).toBe("2026-06-02T07:00:00.000Z");
    // Still 31 May in New York (20:00): its tomorrow is 1 June.
    expect(new Date(at("America/New_York")).toISOString()).toBe("2026-06-01T13:00:00.000Z");
    expect(new Date(at("Asia/Kolkata")).toISOString()).toBe("2026-06-02T03:30:00.000Z");
  });

  it("an offset or a span in the words is kept as said", () => {
    const now = Date.parse("2026-03-28T20:00:00+01:00");
    const utc = ok(parseWhen("tomorrow 9am UTC", { zone: "Europe/Berlin", now, ...MAX }));
    expect(new Date(utc).toISOString()).toBe("2026-03-29T09:00:00.000Z");
    // Across the change, two hours later is two hours later, whatever the wall clock says.
    const span = ok(parseWhen("in 8 hours", { zone: "Europe/Berlin", now, ...MAX }));
    expect(span - now).toBe(8 * 3600_000);
  });

  it("refuses the past, beyond the horizon, words that are no time, and an unknown zone, each in one sentence", () => {
    const now = Date.parse("2026-06-01T12:00:00Z");
    const o = { zone: "Europe/Berlin", now, maxAheadDays: 30 };
    const past = parseWhen("yesterday 9am", o);
    expect(past).toEqual({
      ok: false,
      message: "Sunday 31 May 2026 09:00 (Europe/Berlin) has already passed; pick a time in the future.",
    });
    const today = parseWhen("today 9am", o);
    expect(today.ok).toBe(false);
    const far = parseWhen("in 45 days", o);
    expect(far.ok ? "" : far.message).toMatch(/is more than 30 days ahead; pick a time within 30 days\.$/);
    expect(parseWhen("in 29 days", o).ok).toBe(true);
    const words = parseWhen("whenever the cat wakes up", o);
    expect(words.ok ? "" : words.message).toBe(
      'I could not read "whenever the cat wakes up" as a time; try "tomorrow 9am" or "next friday 17:30".',
    );
    const zone = parseWhen("tomorrow 9am", { ...o, zone: "Mars/Olympus" });
    expect(zone.ok ? "" : zone.message).toBe(
      '"Mars/Olympus" is not a time zone I know; use an IANA name such as Europe/Berlin.',
    );
    for (const r of [past, far, words, zone]) expect(r.ok ? "" : r.message.split(/\. |; /).length).toBe(2);
  });
});

describe("slots", () => {
  it("resolves the configured slots to the next instants ahead, soonest first, dropping the past", () => {
    // Monday 30 March 2026, 19:00 in Berlin: today's 18:00 has gone.
    const now = Date.parse("2026-03-30T19:00:00+02:00");
    const slots = nextSlots(["today 18:00", "monday 09:00", "tomorrow 09:00"], {
      zone: "Europe/Berlin",
      now,
      ...MAX,
    });
    expect(slots.map((s) => [s.label, isoInZone("Europe/Berlin", s.at)])).toEqual([
      ["tomorrow 09:00", "2026-03-31T09:00:00+02:00"],
      ["monday 09:00", "2026-04-06T09:00:00+02:00"],
    ]);
  });
});

describe("wall clocks", () => {
  it("a time skipped by spring-forward lands after the gap; a repeated hour is its first occurrence", () => {
    const skipped = instantInZone("Europe/Berlin", { year: 2026, month: 3, day: 29, hour: 2, minute: 30 });
    expect(isoInZone("Europe/Berlin", skipped)).toBe("2026-03-29T03:30:00+02:00");
    const repeated = instantInZone("Europe/Berlin", { year: 2026, month: 10, day: 25, hour: 2, minute: 30 });
    expect(isoInZone("Europe/Berlin", repeated)).toBe("2026-10-25T02:30:00+02:00");
  });

  it("says the time in ISO 8601 with the offset and in words", () => {
    const at = Date.parse("2026-12-04T08:00:00Z");
    expect(describeWhen(at, "Europe/Berlin")).toBe("Friday 4 December 2026 09:00 (Europe/Berlin)");
    expect(whenLine(at, "America/New_York")).toBe(
      "2026-12-04T03:00:00-05:00, Friday 4 December 2026 03:00 (America/New_York)",
    );
  });
});
