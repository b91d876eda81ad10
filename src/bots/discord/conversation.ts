import type { Attachment, Message } from "discord.js";
import type { Config } from "../../config/schema.js";
import { type ChainTurn, turnText } from "../chain.js";

const MENTION = /<@!?\d+>/g;

export function isImage(a: Attachment): boolean {
  return (
    (a.contentType ?? "").startsWith("image/") || /\.(jpe?g|png|gif|webp|heic|heif|avif|tiff?)$/i.test(a.name)
  );
}

const imagesOf = (m: Message) => [...m.attachments.values()].filter(isImage);

/**
 * The reply chain before `message`, oldest first: the bot's answers and people's words, each with
 * the images it carried, so a follow-up (or a mention replying to anyone's photo) shows the model
 * the pixels in the turns where they appeared.
 */
export async function replyChain(
  message: Message,
  o: { botId: string | undefined; depth: number },
): Promise<ChainTurn<Attachment>[]> {
  const turns: ChainTurn<Attachment>[] = [];
  let current: Message | undefined = message;
  for (let depth = 0; depth < o.depth && current?.reference?.messageId; depth++) {
    current = await current.fetchReference().catch(() => undefined);
    if (!current) break;
    const content = turnText(current.content, MENTION);
    const files = imagesOf(current);
    if (content || files.length)
      turns.unshift({ role: current.author.id === o.botId ? "assistant" : "user", content, files });
  }
  return turns;
}

/**
 * The asker's newest photo in the channel from the last `conversation.recentImageMinutes` before
 * `message` (the usual way on a phone: the photo, then the question), from the client's cache
 * or, after a restart, the channel's recent messages.
 */
export async function recentPhoto(
  message: Message,
  config: Config,
): Promise<{ files: Attachment[]; ageMs: number } | undefined> {
  const minutes = config.conversation.recentImageMinutes;
  if (!minutes) return undefined;
  const asked = message.createdTimestamp;
  const theirs = (m: Message) =>
    m.author.id === message.author.id &&
    m.id !== message.id &&
    m.createdTimestamp <= asked &&
    asked - m.createdTimestamp <= minutes * 60_000 &&
    imagesOf(m).length > 0;
  const newest = (ms: Iterable<Message>) =>
    [...ms].filter(theirs).sort((a, b) => b.createdTimestamp - a.createdTimestamp)[0];
  const found =
    newest(message.channel.messages.cache.values()) ??
    newest(
      (
        await message.channel.messages.fetch({ limit: 50, before: message.id }).catch(() => undefined)
      )?.values() ?? [],
    );
  return found ? { files: imagesOf(found), ageMs: asked - found.createdTimestamp } : undefined;
}
