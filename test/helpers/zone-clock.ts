/**
 * Wall-clock times in a zone, worked out here with Intl alone (not with the product's zone code),
 * so a test can say which instant "tomorrow 9am" in New York must be.
 */
function wallClock(zone: string, at: number): number {
  const p: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  for (const part of format.formatToParts(at)) p[part.type] = part.value;
  return Date.UTC(
    +(p.year ?? 0),
    +(p.month ?? 1) - 1,
    +(p.day ?? 1),
    +(p.hour ?? 0),
    +(p.minute ?? 0),
    +(p.second ?? 0),
  );
}

/** The instant it is `hour:minute` tomorrow in `zone`, tomorrow as it is there at `now`. */
export function tomorrowAt(zone: string, hour: number, minute = 0, now = Date.now()): number {
  const today = new Date(wallClock(zone, now));
  const wanted = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, hour, minute);
  // Shift by the zone's offset until the wall clock there reads the time wanted (twice covers a change).
  let at = wanted;
  for (let i = 0; i < 2; i++) at += wanted - wallClock(zone, at);
  return at;
}
