import { type ChatInputCommandInteraction, MessageFlags } from "discord.js";

/** What one Discord message holds. */
export const DISCORD_LIMIT = 2000;
/** Interaction tokens live 15 minutes; after that the answer goes to the channel as a message. */
export const TOKEN_LIFETIME_MS = 14.5 * 60_000;
/** Model output may contain @everyone or <@id>; nothing we send may ever ping anyone: the REST shape… */
export const NO_PINGS = { parse: [] as never[], replied_user: false };
/** …and discord.js's. */
export const NO_MENTIONS = { parse: [] as never[], repliedUser: false };

/**
 * Messages carry model text, so no link in them unfurls into a preview (a link's preview is what
 * makes a phishing link look real); the bot's own links go in messages of its own.
 */
export const NO_EMBEDS = MessageFlags.SuppressEmbeds;

/** Role ids of an interaction's member, whether discord.js has it cached or only raw. */
export function memberRoles(member: ChatInputCommandInteraction["member"]): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}
