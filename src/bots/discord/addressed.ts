import type { Message } from "discord.js";

/**
 * Whether a message is addressed to the bot, and its words as a question. Discord gives a bot a
 * managed role of its own, which people pick from the @ menu as often as the bot's name; a reply
 * to one of the bot's messages continues the conversation even with its ping turned off.
 */

/** The bot named by its user or its managed role. */
export function mentionsBot(message: Message, me: string): boolean {
  return message.mentions.users.has(me) || message.mentions.roles.some((r) => r.tags?.botId === me);
}

/** A reply (ping or not) to one of the bot's own messages. */
export async function repliesToBot(message: Message, me: string): Promise<boolean> {
  if (!message.reference?.messageId) return false;
  if (message.mentions.repliedUser) return message.mentions.repliedUser.id === me;
  const referenced = await message.fetchReference().catch(() => undefined);
  return referenced?.author?.id === me; // a forward's snapshot has no author
}

/**
 * The question without the bot's own mention (by name or role); other people, roles and channels
 * named in it stay, as the names people read, so "is <@123> in this photo?" asks about them.
 */
export function questionText(message: Message, me: string): string {
  return message.content
    .replace(/<@!?(\d+)>/g, (_, id: string) => {
      if (id === me) return "";
      const member = message.mentions.members?.get(id);
      const user = message.mentions.users.get(id);
      return `@${member?.displayName ?? user?.displayName ?? user?.username ?? "someone"}`;
    })
    .replace(/<@&(\d+)>/g, (_, id: string) => {
      const role = message.mentions.roles.get(id);
      return role?.tags?.botId === me ? "" : `@${role?.name ?? "role"}`;
    })
    .replace(/<#(\d+)>/g, (_, id: string) => {
      const channel = message.mentions.channels.get(id);
      return channel && "name" in channel && channel.name ? `#${channel.name}` : "#channel";
    })
    .replace(/\s+/g, " ")
    .trim();
}
