import { z } from "zod";

const idList = z.array(z.string()).default([]);

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
