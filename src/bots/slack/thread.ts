import type { WebClient } from "@slack/web-api";
import { imageFiles, type SlackFile } from "./files.js";

interface ThreadMessage {
  ts?: string;
  text?: string;
  user?: string;
  bot_id?: string;
  files?: SlackFile[];
}

export type Turn = { role: "user" | "assistant"; content: string };

/** Who the bot is, as Bolt's context tells it: messages it posted carry either id. */
export interface BotIdentity {
  botUserId?: string | undefined;
  botId?: string | undefined;
}

const NONE = { history: [] as Turn[], files: [] as SlackFile[] };

/**
 * A thread the bot already answered in is a conversation, as a Discord reply chain is: the turns
 * before `beforeTs` (the newest `depth`, oldest first) and the images of the thread's first
 * message, for a follow-up that brings none. A thread without the bot's answers gives nothing:
 * someone mentioning the bot inside a human discussion starts fresh.
 */
export async function threadContext(
  client: WebClient,
  r: { channel: string; threadTs: string; beforeTs: string; depth: number; me: BotIdentity },
): Promise<{ history: Turn[]; files: SlackFile[] }> {
  if (r.depth === 0 || r.threadTs === r.beforeTs) return NONE;
  const res = await client.conversations
    .replies({ channel: r.channel, ts: r.threadTs, limit: 200 })
    .catch(() => undefined); // history is a help, never a reason to refuse the question
  const earlier = ((res?.messages ?? []) as ThreadMessage[]).filter(
    (m) => m.ts && Number(m.ts) < Number(r.beforeTs),
  );
  const fromBot = (m: ThreadMessage) =>
    Boolean((r.me.botId && m.bot_id === r.me.botId) || (r.me.botUserId && m.user === r.me.botUserId));
  if (!earlier.some(fromBot)) return NONE;
  const history = earlier
    .filter((m) => !(fromBot(m) && m.text?.startsWith("⏳"))) // placeholders still at work are not answers
    .slice(-r.depth)
    .map((m) => ({
      role: fromBot(m) ? ("assistant" as const) : ("user" as const),
      content: (m.text ?? "")
        .replace(/<@[A-Z0-9]+>/g, "")
        .trim()
        .slice(0, 4000),
    }))
    .filter((t) => t.content);
  const root = earlier.find((m) => m.ts === r.threadTs);
  return { history, files: imageFiles(root?.files) };
}
