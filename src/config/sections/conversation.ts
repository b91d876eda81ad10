import { z } from "zod";

export const conversationSection = z
  .object({
    /**
     * A mention with no image, reply or thread uses the asker's own photo posted in the channel
     * this many minutes before at most (0: never).
     */
    recentImageMinutes: z.number().int().min(0).max(1440).default(10),
    /**
     * An answer that comes this many seconds or more after the question (it waited in line) also
     * pings the asker once, and only them (0: never).
     */
    notifyAfterS: z.number().int().min(0).default(60),
  })
  .prefault({});
