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

const NO_DMS = "I don't answer direct messages here. Ask me in a server channel where I'm enabled.";

/** Which allowlist keeps this member out here, and why in words for them; undefined when they may ask. */
export function refusal(
  config: Config,
  guildId: string | null,
  channelId: string,
  roles: string[],
): { by: "dm" | "server" | "channel" | "role"; message: string } | undefined {
  const d = config.discord;
  // A DM is in no server, channel list or role: allowlists keep DMs out unless allowDirectMessages.
  if (!guildId) {
    const listed = d.allowedGuilds.length || d.allowedChannels.length || d.allowedRoles.length;
    return listed && !d.allowDirectMessages ? { by: "dm", message: NO_DMS } : undefined;
  }
  if (d.allowedGuilds.length && !d.allowedGuilds.includes(guildId))
    return { by: "server", message: "I'm not enabled on this server." };
  if (d.allowedChannels.length && !d.allowedChannels.includes(channelId))
    return { by: "channel", message: NOT_ENABLED_HERE };
  if (d.allowedRoles.length && !roles.some((r) => d.allowedRoles.includes(r)))
    return { by: "role", message: "Only members with one of the roles allowed to use me can ask me here." };
  return undefined;
}
