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

export const slackSection = z
  .object({
    /** Socket Mode when an app-level token is set, otherwise HTTP on this port. */
    port: z.number().int().min(0).max(65535).default(3000),
    /** Web API base URL; only changed for tests and proxies. */
    apiUrl: z.url().optional(),
    allowedChannels: idList,
    autocaptionChannels: idList,
  })
  .prefault({});

export const webSection = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8787),
  })
  .prefault({});
