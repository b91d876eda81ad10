import { z } from "zod";

const idList = z.array(z.string()).default([]);

export const slackSection = z
  .object({
    /** Socket Mode when an app-level token (SLACK_APP_TOKEN) is set, otherwise HTTP on this port. */
    port: z.number().int().min(0).max(65535).default(3000),
    /** Web API base URL; only changed for tests and proxies. */
    apiUrl: z.url().optional(),
    /** Origins files are downloaded from (with the bot token); nothing else is ever fetched. */
    fileOrigins: z.array(z.url()).default(["https://files.slack.com"]),
    allowedChannels: idList,
    autocaptionChannels: idList,
    /** Users who may switch auto-captions, besides workspace admins and owners. */
    admins: idList,
    /** How many earlier messages of a thread the bot answered in are sent as conversation history. */
    historyDepth: z.number().int().min(0).max(20).default(6),
    /** Users who may approve anyone's post, and the only ones whose approval publishes to an account. */
    approvers: idList,
  })
  .prefault({});
