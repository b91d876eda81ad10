import { z } from "zod";

/**
 * Accounts that approved posts are published to. Tokens and passwords come only from the
 * environment (MASTODON_ACCESS_TOKEN, BLUESKY_APP_PASSWORD, PIXELFED_ACCESS_TOKEN,
 * LINKEDIN_ACCESS_TOKEN); an account without one is off.
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
    pixelfed: z
      .object({
        /** The instance, e.g. https://pixelfed.social. */
        instanceUrl: z.url().optional(),
        /** public | unlisted | private */
        visibility: z.enum(["public", "unlisted", "private"]).default("public"),
      })
      .prefault({}),
    linkedin: z
      .object({
        /** Who posts: a member (urn:li:person:…) or a page (urn:li:organization:…). */
        author: z
          .string()
          .regex(/^urn:li:(person|organization):[\w-]+$/, "a urn:li:person:… or urn:li:organization:… URN")
          .optional(),
        /** The LinkedIn-Version header (YYYYMM); LinkedIn retires each version after about a year. */
        version: z.coerce
          .string()
          .regex(/^\d{6}$/, "YYYYMM")
          .default("202607"),
        /** The REST API. */
        apiUrl: z.url().default("https://api.linkedin.com"),
        /** Origins an image upload URL from LinkedIn may point at; the image goes nowhere else. */
        uploadOrigins: z.array(z.url()).default(["https://www.linkedin.com", "https://api.linkedin.com"]),
      })
      .prefault({}),
    /** IANA zone scheduled times are read in, unless a person set their own; the host's when unset. */
    timeZone: z.string().optional(),
    /** A post may be scheduled at most this many days ahead. */
    maxAheadDays: z.number().int().min(1).max(365).default(60),
    /** The times "Schedule…" offers first, read in the person's zone (any words a time box takes). */
    slots: z
      .array(z.string().min(1).max(60))
      .max(10)
      .default(["today 18:00", "tomorrow 09:00", "monday 09:00"]),
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
