/**
 * Wall clocks in IANA time zones, from the runtime's own zone data (Intl): the offset a zone has
 * at an instant, and the instant a wall-clock time in a zone stands for. Daylight saving comes
 * from the zone's rules at that very time, never from adding hours to another time's offset.
 */

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone (e.g. "Europe/Berlin", "UTC"). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    formatFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The host's zone, for `publish.timeZone` when it is not set. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** The wall clock in `zone` at `instant` (ms since the epoch). */
function wallClockAt(zone: string, instant: number): Required<WallClock> {
  const parts: Record<string, number> = {};
  for (const p of formatFor(zone).formatToParts(new Date(instant)))
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const asUtc = (w: WallClock) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second ?? 0);

/** The zone's offset from UTC at `instant`, in minutes (Berlin in summer: 120). */
export function zoneOffsetMinutes(zone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return Math.round((asUtc(wallClockAt(zone, whole)) - whole) / 60_000);
}

/**
 * The instant a wall-clock time in `zone` stands for, with the offset the zone has at that time.
 * A time skipped by a spring-forward change lands just after it; an hour repeated in autumn is
 * its first occurrence.
 */
export function instantInZone(zone: string, wall: WallClock): number {
  const utc = asUtc(wall);
  const DAY = 24 * 3600_000;
  // The offsets on either side of any change near this time; zones never change twice in a day.
  const before = zoneOffsetMinutes(zone, utc - DAY);
  const after = zoneOffsetMinutes(zone, utc + DAY);
  const fits = [before, after]
    .map((off) => utc - off * 60_000)
    .filter((t) => asUtc(wallClockAt(zone, t)) === utc);
  return fits.length ? Math.min(...fits) : utc - before * 60_000;
}

/** ISO 8601 with the zone's offset at that instant: 2026-03-29T09:00:00+02:00. */
export function isoInZone(zone: string, instant: number): string {
  const w = wallClockAt(zone, instant);
  const off = zoneOffsetMinutes(zone, instant);
  const pad = (n: number, size = 2) => String(Math.abs(n)).padStart(size, "0");
  const sign = off < 0 ? "-" : "+";
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}
