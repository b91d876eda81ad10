import type { Redis } from "ioredis";

/**
 * Each person's time zone as they set it (`/timezone Europe/Berlin`), shared by every adapter
 * replica: one Redis hash per deployment, keyed by platform and user id. Slack's own profile zone
 * wins over it (the adapter reads that per click); Discord and the playground have only this.
 */
export function createZoneStore(redis: Redis, prefix: string) {
  const key = `${prefix}:timezones`;
  const field = (platform: string, userId: string) => `${platform}:${userId}`;
  return {
    get: async (platform: string, userId: string): Promise<string | undefined> =>
      (await redis.hget(key, field(platform, userId))) ?? undefined,
    async set(platform: string, userId: string, zone: string): Promise<void> {
      await redis.hset(key, field(platform, userId), zone);
    },
  };
}
