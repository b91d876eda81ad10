import type { WebClient } from "@slack/web-api";
import type { Redis } from "ioredis";
import { isTimeZone } from "../../publish/zone.js";

/** How long a profile's zone is trusted before users.info is asked again (a move shows within it). */
const ZONE_TTL_S = 3600;

/**
 * A person's zone as their Slack profile has it (users.info → user.tz), the zone their typed
 * times are read in. Kept in Redis for an hour, so every replica shares one look-up and a burst of
 * clicks costs one call; a profile without a zone is kept as "" (then /timezone or the config's).
 */
export function slackProfileZones(client: WebClient, redis: Redis, prefix: string) {
  return async function profileZone(user: string): Promise<string | undefined> {
    const key = `${prefix}:slack:tz:${user}`;
    const kept = await redis.get(key);
    if (kept !== null) return kept || undefined;
    const info = await client.users.info({ user }).catch(() => undefined);
    // A failed look-up is not kept: the next click asks again.
    if (!info?.ok) return undefined;
    const tz = (info.user as { tz?: string } | undefined)?.tz ?? "";
    const zone = isTimeZone(tz) ? tz : "";
    await redis.set(key, zone, "EX", ZONE_TTL_S);
    return zone || undefined;
  };
}
