import type { WebClient } from "@slack/web-api";
import { type ChainTurn, turnText } from "../chain.js";
import { fileDetails, imageFiles, type SlackFile } from "./files.js";

interface ThreadMessage {
  ts?: string;
  text?: string;
  user?: string;
  bot_id?: string;
  files?: SlackFile[];
}

/** Who the bot is, as Bolt's context tells it: messages it posted carry either id. */
export interface BotIdentity {
  botUserId?: string | undefined;
  botId?: string | undefined;
}

const MENTION = /<@[A-Z0-9]+>/g;

/**
 * A thread the bot already answered in is a conversation, as a Discord reply chain is: the turns
 * before `beforeTs` (the newest `depth`, oldest first), the newest image of the thread in the
 * turn that posted it (a thread is where people post the next photo to ask about it, so the
 * older ones would only blur the question). A thread without the bot's answers gives nothing:
 * someone mentioning the bot inside a human discussion starts fresh.
 */
export async function threadContext(
  client: WebClient,
  r: { channel: string; threadTs: string; beforeTs: string; depth: number; me: BotIdentity },
): Promise<ChainTurn<SlackFile>[]> {
  if (r.depth === 0 || r.threadTs === r.beforeTs) return [];
  const res = await client.conversations
    .replies({ channel: r.channel, ts: r.threadTs, limit: 200 })
    .catch(() => undefined); // history is a help, never a reason to refuse the question
  return turnsOf(client, (res?.messages ?? []) as ThreadMessage[], r);
}

/**
 * A DM is answered in the DM, not in threads, so its recent messages are the conversation: the
 * same turns as a thread's, from the last `withinS` seconds ("shorter" after an alt text means
 * that alt text, of that photo).
 */
export async function dmContext(
  client: WebClient,
  r: { channel: string; beforeTs: string; withinS: number; depth: number; me: BotIdentity },
): Promise<ChainTurn<SlackFile>[]> {
  if (r.depth === 0 || r.withinS === 0) return [];
  const res = await client.conversations
    .history({
      channel: r.channel,
      latest: r.beforeTs,
      oldest: String(Number(r.beforeTs) - r.withinS),
      limit: Math.min(200, r.depth * 4),
    })
    .catch(() => undefined); // history is a help, never a reason to refuse the question
  // Slack lists history newest first; turns go oldest first. Threads inside a DM are their own.
  const listed = ((res?.messages ?? []) as (ThreadMessage & { thread_ts?: string })[])
    .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
    .reverse();
  return turnsOf(client, listed, r);
}

async function turnsOf(
  client: WebClient,
  messages: ThreadMessage[],
  r: { beforeTs: string; depth: number; me: BotIdentity },
): Promise<ChainTurn<SlackFile>[]> {
  const fromBot = (m: ThreadMessage) =>
    Boolean((r.me.botId && m.bot_id === r.me.botId) || (r.me.botUserId && m.user === r.me.botUserId));
  const listed = messages.filter(
    // placeholders still at work are not answers
    (m) => m.ts && Number(m.ts) < Number(r.beforeTs) && !(fromBot(m) && m.text?.startsWith("⏳")),
  );
  if (!listed.some(fromBot)) return [];
  const earlier = await Promise.all(
    listed.map(async (m) => (m.files ? { ...m, files: await fileDetails(client, m.files) } : m)),
  );
  const withImage = earlier.findLast((m) => imageFiles(m.files).length > 0);
  const recent = earlier.slice(-r.depth);
  // The newest photo counts even when its turn is older than the history kept.
  const kept = withImage && !recent.includes(withImage) ? [withImage, ...recent] : recent;
  return kept
    .map((m) => ({
      role: fromBot(m) ? ("assistant" as const) : ("user" as const),
      content: turnText(m.text ?? "", MENTION),
      files: m === withImage ? imageFiles(m.files) : [],
    }))
    .filter((t) => t.content || t.files.length);
}
