import { z } from "zod";

const idList = z.array(z.string()).default([]);

export const discordSection = z
  .object({
    /** REST base URL; only changed for tests and proxies. */
    apiBase: z.url().optional(),
    allowedGuilds: idList,
    allowedChannels: idList,
    allowedRoles: idList,
    autocaptionChannels: idList,
    /** Auto-captions as a reply to the upload, or in a thread on it. */
    autocaptionIn: z.enum(["reply", "thread"]).default("reply"),
  })
  .prefault({});
