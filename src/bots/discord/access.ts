import type { Config } from "../../config/schema.js";
import { NOT_ENABLED_HERE } from "../access.js";

/**
 * The channel a message or command belongs to for the allowlists: a thread counts as its parent
 * channel (the bot's own caption threads included). Auto-captions stay with the channel itself.
 */
export function homeChannel(
  channel: { isThread(): boolean; parentId?: string | null } | null | undefined,
  channelId: string,
): string {
  return channel?.isThread() ? (channel.parentId ?? channelId) : channelId;
}

/** Which allowlist keeps this member out here, and why in words for them; undefined when they may ask. */
export function refusal(
  config: Config,
  guildId: string | null,
  channelId: string,
  roles: string[],
): { by: "server" | "channel" | "role"; message: string } | undefined {
  const d = config.discord;
  if (d.allowedGuilds.length && !(guildId && d.allowedGuilds.includes(guildId)))
    return { by: "server", message: "I'm not enabled on this server." };
  if (d.allowedChannels.length && !d.allowedChannels.includes(channelId))
    return { by: "channel", message: NOT_ENABLED_HERE };
  if (d.allowedRoles.length && !roles.some((r) => d.allowedRoles.includes(r)))
    return { by: "role", message: "Only members with one of the roles allowed to use me can ask me here." };
  return undefined;
}
