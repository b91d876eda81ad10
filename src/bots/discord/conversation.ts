import { type Message, MessageReferenceType } from "discord.js";
import type { Config } from "../../config/schema.js";
import { type ChainTurn, turnText } from "../chain.js";
import type { IncomingFile } from "../text-files.js";
import { photosOf } from "./photos.js";

const MENTION = /<@!?\d+>/g;

/** A message as an earlier turn: who said it, its words and its images; none when it has neither. */
function turnOf(m: Message, botId: string | undefined, cdn: readonly string[]) {
  const content = turnText(m.content, MENTION);
  const files = photosOf(m, cdn);
  if (!content && !files.length) return undefined;
  // A forward's snapshot joins its source channel's cache without an author, whatever the types say.
  return { role: m.author?.id === botId ? "assistant" : "user", content, files } as ChainTurn<IncomingFile>;
}

/**
 * The reply chain before `message`, oldest first: the bot's answers and people's words, each with
 * the images it carried, so a follow-up (or a mention replying to anyone's photo) shows the model
 * the pixels in the turns where they appeared. A forward is not a reply: what it forwarded is in
 * the message itself.
 */
export async function replyChain(
  message: Message,
  o: { botId: string | undefined; depth: number; cdn: readonly string[] },
): Promise<ChainTurn<IncomingFile>[]> {
  const turns: ChainTurn<IncomingFile>[] = [];
  let current: Message | undefined = message;
  for (let depth = 0; depth < o.depth && current?.reference?.messageId; depth++) {
    if (current.reference.type === MessageReferenceType.Forward) break;
    current = await current.fetchReference().catch(() => undefined);
    if (!current) break;
    const turn = turnOf(current, o.botId, o.cdn);
    if (turn) turns.unshift(turn);
  }
  return turns;
}

/**
 * A thread started from a photo is about that photo (an auto-caption's thread too): the message
 * it was started from, as the conversation's first turn, when it has an image. A thread started
 * from a message has that message's id.
 */
export async function threadStarter(
  message: Message,
  o: { botId: string | undefined; cdn: readonly string[] },
): Promise<ChainTurn<IncomingFile> | undefined> {
  const channel = message.channel;
  if (!channel.isThread()) return undefined;
  const starter = await channel.fetchStarterMessage().catch(() => null);
  const turn = starter ? turnOf(starter, o.botId, o.cdn) : undefined;
  return turn?.files.length ? turn : undefined;
}

/**
 * The asker's newest photo in the channel from the last `conversation.recentImageMinutes` before
 * `message` (the usual way on a phone: the photo, then the question), from the client's cache
 * or, after a restart, the channel's recent messages.
 */
export async function recentPhoto(
  message: Message,
  config: Config,
  cdn: readonly string[],
): Promise<{ files: IncomingFile[]; ageMs: number } | undefined> {
  const minutes = config.conversation.recentImageMinutes;
  if (!minutes) return undefined;
  const asked = message.createdTimestamp;
  const theirs = (m: Message) =>
    m.author?.id === message.author.id && // snapshots of forwards have no author
    m.id !== message.id &&
    m.createdTimestamp <= asked &&
    asked - m.createdTimestamp <= minutes * 60_000 &&
    photosOf(m, cdn).length > 0;
  const newest = (ms: Iterable<Message>) =>
    [...ms].filter(theirs).sort((a, b) => b.createdTimestamp - a.createdTimestamp)[0];
  const found =
    newest(message.channel.messages.cache.values()) ??
    newest(
      (
        await message.channel.messages.fetch({ limit: 50, before: message.id }).catch(() => undefined)
      )?.values() ?? [],
    );
  return found ? { files: photosOf(found, cdn), ageMs: asked - found.createdTimestamp } : undefined;
}
