import { z } from "zod";

export const postSection = z
  .object({
    /**
     * When the model writes fewer distinct captions than asked, it is asked again for one caption at a
     * time, at most this many times per post (0: never); what it still does not write is left out.
     */
    maxExtraCalls: z.number().int().min(0).max(10).default(3),
    /** Sampling temperature for those extra asks and for regenerations, so they differ from the first. */
    sampleTemperature: z.number().min(0.1).max(2).default(0.8),
    /**
     * Hashtags an Instagram post may carry. Instagram announced a cap of 5 in December 2025; change it
     * here if Instagram does.
     */
    instagramHashtags: z.number().int().min(0).max(30).default(5),
    /** Languages offered by a post's Translate menu (codes such as de or pt-BR; at most 25). */
    languages: z
      .array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/))
      .min(1)
      .max(25)
      .default(["en", "de", "fr", "es", "it", "pt", "nl", "ja"]),
  })
  .prefault({});
