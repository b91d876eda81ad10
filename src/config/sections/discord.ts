import { z } from "zod";

const idList = z.array(z.string()).default([]);

export const discordSection = z
  .object({
    /** REST base URL (…/api); only changed for tests and proxies. */
    apiBase: z.url().optional(),
    /** Origins attachments may be downloaded from; nothing else is ever fetched. */
    cdnOrigins: z.array(z.url()).default(["https://cdn.discordapp.com", "https://media.discordapp.net"]),
    /** Empty lists allow everything. */
    allowedGuilds: idList,
    allowedChannels: idList,
    allowedRoles: idList,
    /** With an allowlist set, still answer direct messages (from anyone); without one they always are. */
    allowDirectMessages: z.boolean().default(false),
    /** Roles whose members may approve anyone's post, and the only ones whose approval publishes to an account. */
    approverRoles: idList,
    autocaptionChannels: idList,
    /** Auto-captions as a reply to the upload, or in a thread on it. */
    autocaptionIn: z.enum(["reply", "thread"]).default("reply"),
    /**
     * Ask for the privileged Message Content intent (the portal's switch must be on). Off, the bot
     * still reads messages that mention it, slash commands and attachments.
     */
    messageContent: z.boolean().default(true),
    /** How many earlier messages of a reply chain are sent as conversation history. */
    historyDepth: z.number().int().min(0).max(20).default(6),
  })
  .prefault({});
