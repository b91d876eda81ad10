import * as chrono from "chrono-node";
import { instantInZone, isoInZone, isTimeZone, zoneOffsetMinutes } from "./zone.js";

/**
 * When a scheduled post goes out: free text ("tomorrow 9am", "next friday 17:30") read in the
 * person's IANA zone with chrono-node, the configured slots resolved to their next instants, and
 * the refusals (past, too far ahead) as one sentence each.
 */

export interface WhenOptions {
  /** IANA zone the words are read in. */
  zone: string;
  /** ms since the epoch; the clock's now when absent. */
  now?: number;
  maxAheadDays: number;
}

export type When = { ok: true; at: number; zone: string } | { ok: false; message: string };

const DAY_MS = 24 * 3600 * 1000;

function refuse(message: string): When {
  return { ok: false, message };
}

/** Whether `at` may be scheduled: in the future, and not beyond the horizon. */
export function checkWhen(at: number, o: WhenOptions): When {
  const now = o.now ?? Date.now();
  if (at <= now) return refuse(`${describeWhen(at, o.zone)} has already passed; pick a time in the future.`);
  if (at > now + o.maxAheadDays * DAY_MS)
    return refuse(
      `${describeWhen(at, o.zone)} is more than ${o.maxAheadDays} days ahead; pick a time within ${o.maxAheadDays} days.`,
    );
  return { ok: true, at, zone: o.zone };
}

/**
 * Reads free text as an instant in `o.zone`. Words that name a clock time ("tomorrow 9am") get the
 * offset the zone has at that time, so the evening before the clocks change "tomorrow 9am" is still
 * 09:00 there; words that name an offset ("9am UTC") or a span ("in 2 hours") keep it.
 */
export function parseWhen(text: string, o: WhenOptions): When {
  if (!isTimeZone(o.zone))
    return refuse(`"${o.zone}" is not a time zone I know; use an IANA name such as Europe/Berlin.`);
  const words = text.trim().slice(0, 200);
  const now = o.now ?? Date.now();
  const [found] = chrono.parse(
    words,
    { instant: new Date(now), timezone: zoneOffsetMinutes(o.zone, now) },
    { forwardDate: true },
  );
  if (!words || !found)
    return refuse(`I could not read "${words}" as a time; try "tomorrow 9am" or "next friday 17:30".`);
  const s = found.start;
  const at = s.isCertain("timezoneOffset")
    ? s.date().getTime()
    : instantInZone(o.zone, {
        year: s.get("year") ?? 1970,
        month: s.get("month") ?? 1,
        day: s.get("day") ?? 1,
        // "tomorrow" alone means the morning, not the current minute of tomorrow.
        hour: s.isCertain("hour") ? (s.get("hour") ?? 0) : 9,
        minute: s.isCertain("hour") ? (s.get("minute") ?? 0) : 0,
        second: s.isCertain("second") ? (s.get("second") ?? 0) : 0,
      });
  return checkWhen(at, { ...o, now });
}

export interface Slot {
  /** The slot as configured, e.g. "tomorrow 09:00". */
  label: string;
  at: number;
}

/** The configured slots that are still ahead, soonest first, one per instant. */
export function nextSlots(slots: readonly string[], o: WhenOptions): Slot[] {
  const seen = new Set<number>();
  const out: Slot[] = [];
  for (const label of slots) {
    const when = parseWhen(label, o);
    if (!when.ok || seen.has(when.at)) continue;
    seen.add(when.at);
    out.push({ label, at: when.at });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The instant in words, in the zone: "Sunday 29 March 2026 09:00 (Europe/Berlin)". */
export function describeWhen(at: number, zone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  // Built from its parts: how runtimes join them ("at", commas) differs between ICU versions.
  for (const p of format.formatToParts(new Date(at))) parts[p.type] = p.value;
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} ${parts.hour}:${parts.minute} (${zone})`;
}

/** Both ways a terminal shows it: ISO 8601 with the offset, and in words. */
export function whenLine(at: number, zone: string): string {
  return `${isoInZone(zone, at)}, ${describeWhen(at, zone)}`;
}
