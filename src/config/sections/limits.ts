import { z } from "zod";

export const limitsSection = z
  .object({
    /** Largest upload accepted, in bytes (enforced while streaming). */
    maxImageBytes: z
      .number()
      .int()
      .min(1024)
      .default(25 * 1024 * 1024),
    /**
     * Largest decoded image, in pixels (width × height), read from the header before decoding
     * (for HEIC: the primary image after its rotation).
     */
    maxImagePixels: z.number().int().min(1024).default(50_000_000),
    maxImagesPerRequest: z.number().int().min(1).max(10).default(4),
    /**
     * Largest .txt/.md attachment read as part of the question, in bytes (Discord turns a long
     * message into message.txt); larger ones are left out, and the answer says so.
     */
    maxTextFileBytes: z.number().int().min(0).max(8000).default(8000),
    /** Requests one user may have queued or running at once. */
    perUserInFlight: z.number().int().min(1).default(3),
    /** Interactive requests per guild/workspace per window. */
    perScopeRate: z.number().int().min(1).default(30),
    perScopeWindowS: z.number().int().min(1).default(60),
    /**
     * Background work (auto-captions) per guild/workspace per window, counted apart from
     * people's requests; past it, uploads wait for a later window instead of being dropped.
     */
    backgroundRate: z.number().int().min(1).default(30),
    /** Blobs (uploads, results) expire after this many seconds. */
    blobTtlS: z
      .number()
      .int()
      .min(60)
      .default(24 * 3600),
    /** Completed and failed jobs kept for inspection. */
    keepCompleted: z
      .object({ ageS: z.number().int().default(3600), count: z.number().int().default(1000) })
      .prefault({}),
    keepFailed: z
      .object({
        ageS: z
          .number()
          .int()
          .default(7 * 24 * 3600),
        count: z.number().int().default(5000),
      })
      .prefault({}),
  })
  .prefault({});
