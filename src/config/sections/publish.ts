import { z } from "zod";

/**
 * Accounts that approved posts are published to. Tokens and passwords come only from the
 * environment (MASTODON_ACCESS_TOKEN, BLUESKY_APP_PASSWORD); an account without one is off.
 */
export const publishSection = z
  .object({
    mastodon: z
      .object({
        /** The instance, e.g. https://mastodon.social. */
        instanceUrl: z.url().optional(),
        /** public | unlisted | private | direct */
        visibility: z.enum(["public", "unlisted", "private", "direct"]).default("public"),
      })
      .prefault({}),
    bluesky: z
      .object({
        /** The account's PDS or entryway. */
        service: z.url().default("https://bsky.social"),
        /** The account handle (or DID), e.g. team.bsky.social. */
        handle: z.string().optional(),
        /** Where published posts are linked to. */
        appUrl: z.url().default("https://bsky.app"),
      })
      .prefault({}),
    /** One HTTP request to a publishing service may take this long. */
    timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
    /** How long an approval's publish claim and its result are kept in Redis (exactly-once window). */
    keyTtlS: z
      .number()
      .int()
      .min(60)
      .default(30 * 24 * 3600),
  })
  .prefault({});
