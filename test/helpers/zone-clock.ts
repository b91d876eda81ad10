/**
 * The instant it is `hhmm` ("09:00") tomorrow in `zone`, tomorrow as it is there at `now`, worked
 * out with Intl alone rather than the product's zone code: tomorrow's date there, and the offset
 * the zone has that day as Intl names it ("GMT-05:00"), read as ISO 8601. Right for any time after
 * the small hours, when clocks change.
 */
export function tomorrowAt(zone: string, hhmm: string, now = Date.now()): number {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(now);
  const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 24 * 3600_000);
  const named = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(tomorrow)
    .find((p) => p.type === "timeZoneName")?.value;
  const offset = named?.replace("GMT", "") || "Z";
  return Date.parse(`${tomorrow.toISOString().slice(0, 10)}T${hhmm}:00${offset}`);
}
