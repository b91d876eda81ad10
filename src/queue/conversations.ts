import type { Redis } from "ioredis";
import { z } from "zod";
import type { Platform } from "../core/jobs.js";
import { placeSchema } from "../core/surface.js";

/**
 * What a conversation needs later, in Redis, so any adapter replica can finish what another
 * started: who asked (Stop), where the reply is and which messages it already spans (a retried
 * delivery continues, never posts a part twice), and the platform's short-lived reply secret (a
 * Discord interaction token), kept apart with its own expiry: never in job data, never logged.
 */

/** How long a conversation's record outlives its start: longer than any answer takes. */
const CONVERSATION_TTL_S = 24 * 3600;
/** How long a thread the bot answered in stays one it answers without a mention. */
const THREAD_TTL_S = 7 * 24 * 3600;

const conversationSchema = z.object({
  requestId: z.string().min(1),
  platform: z.string(),
  /** The person who asked: they may stop it. */
  asker: z.string().min(1),
  place: placeSchema,
  /** The workspace or server, where a platform paces edits per workspace (Slack). */
  scope: z.string().optional(),
  /** Messages the reply spans, in order (the placeholder first), as posted so far. */
  messages: z.array(z.string()).default([]),
  /** The answer is out: Stop says so instead of stopping. */
  finished: z.boolean().default(false),
  /** The person's own message it answers, where the platform marks it (Slack's 👀, then ✅ or ⚠️). */
  origin: z.string().optional(),
  /** When the reply opened (ms since the epoch): a late answer pings the asker. */
  at: z.number().optional(),
  /** A newer message in the thread took its reply over: its own answer is not drawn. */
  replaced: z.boolean().optional(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export interface ReplySecret {
  /** Opaque to everything but the platform's surface (Discord: application id and token). */
  value: Record<string, string>;
  /** Until when it may be used (ms since the epoch). */
  until: number;
}

/** Writes `messages[index]` only while the record exists; JSON in, JSON out. */
const SET_MESSAGE = `
local raw = redis.call("GET", KEYS[1])
if not raw then return 0 end
local c = cjson.decode(raw)
if type(c.messages) ~= "table" then c.messages = {} end
c.messages[tonumber(ARGV[1]) + 1] = ARGV[2]
local ttl = redis.call("PTTL", KEYS[1])
if ttl > 0 then redis.call("SET", KEYS[1], cjson.encode(c), "PX", ttl) else redis.call("SET", KEYS[1], cjson.encode(c)) end
return 1
`;

/**
 * Marks it finished, keeping the record (and its TTL) so a late Stop can say so; ARGV[1] "1"
 * marks it replaced too, and only if it was not finished yet (1 when it was replaced).
 */
const FINISH = `
local raw = redis.call("GET", KEYS[1])
if not raw then return 0 end
local c = cjson.decode(raw)
if ARGV[1] == "1" then
  if c.finished then return 0 end
  c.replaced = true
end
c.finished = true
local ttl = redis.call("PTTL", KEYS[1])
if ttl > 0 then redis.call("SET", KEYS[1], cjson.encode(c), "PX", ttl) else redis.call("SET", KEYS[1], cjson.encode(c)) end
return 1
`;

export function createConversations(redis: Redis, prefix: string, platform: Platform) {
  const key = (requestId: string) => `${prefix}:conv:${platform}:${requestId}`;
  const secretKey = (requestId: string) => `${prefix}:conv-secret:${platform}:${requestId}`;
  const messageKey = (message: string) => `${prefix}:conv-msg:${platform}:${message}`;
  const threadKey = (channel: string, thread: string) =>
    `${prefix}:conv-thread:${platform}:${channel}:${thread}`;
  return {
    /**
     * Claims the platform message a request answers. False when another request already answers
     * it: Slack sends an edited message's mention again, as a new event.
     */
    async claimMessage(message: string, requestId: string): Promise<boolean> {
      const k = messageKey(message);
      if ((await redis.set(k, requestId, "EX", CONVERSATION_TTL_S, "NX")) === "OK") return true;
      return (await redis.get(k)) === requestId;
    },
    /** Records a conversation as its reply opens; a repeat keeps the first record. */
    async open(c: Omit<Conversation, "finished" | "platform">): Promise<void> {
      const record: Conversation = { ...c, platform, finished: false };
      await redis.set(key(c.requestId), JSON.stringify(record), "EX", CONVERSATION_TTL_S, "NX");
    },
    async get(requestId: string): Promise<Conversation | undefined> {
      const raw = await redis.get(key(requestId));
      if (!raw) return undefined;
      try {
        const data = JSON.parse(raw) as { messages?: unknown };
        // Lua's cjson writes an empty list as {}: read it back as no messages.
        if (data.messages && !Array.isArray(data.messages)) data.messages = Object.values(data.messages);
        const parsed = conversationSchema.safeParse(data);
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    /** Notes the id of the reply's `index`th message as soon as it is posted. */
    async posted(requestId: string, index: number, id: string): Promise<void> {
      await redis.eval(SET_MESSAGE, 1, key(requestId), index, id);
    },
    /** The messages the reply spans now (after a shorter final answer removed some). */
    async setMessages(requestId: string, ids: string[]): Promise<void> {
      const c = await this.get(requestId);
      if (!c) return;
      const ttl = await redis.pttl(key(requestId));
      await redis.set(
        key(requestId),
        JSON.stringify({ ...c, messages: ids }),
        "PX",
        ttl > 0 ? ttl : CONVERSATION_TTL_S * 1000,
      );
    },
    async finish(requestId: string): Promise<void> {
      await redis.eval(FINISH, 1, key(requestId), "0");
    },
    /** Marks an unfinished conversation replaced (and finished); false when it had finished. */
    async replace(requestId: string): Promise<boolean> {
      return (await redis.eval(FINISH, 1, key(requestId), "1")) === 1;
    },
    /**
     * The bot answers in this thread: its newest request there is noted (for a week), so a
     * reply in the thread continues the conversation without a mention, and a newer one can
     * take over an answer still being written.
     */
    async joinThread(channel: string, thread: string, requestId: string): Promise<void> {
      await redis.set(threadKey(channel, thread), requestId, "EX", THREAD_TTL_S);
    },
    /** The newest request the bot answered in this thread; undefined where it never answered. */
    async threadRequest(channel: string, thread: string): Promise<string | undefined> {
      return (await redis.get(threadKey(channel, thread))) ?? undefined;
    },
    /** Keeps a reply secret until it expires; any replica can read it back, nothing else sees it. */
    async keepSecret(requestId: string, secret: ReplySecret): Promise<void> {
      const ms = secret.until - Date.now();
      if (ms > 0) await redis.set(secretKey(requestId), JSON.stringify(secret), "PX", ms);
    },
    async secret(requestId: string): Promise<ReplySecret | undefined> {
      const raw = await redis.get(secretKey(requestId));
      if (!raw) return undefined;
      const s = JSON.parse(raw) as ReplySecret;
      return s.until > Date.now() ? s : undefined;
    },
    /** The secret can no longer be used (the platform said so): forget it for every replica. */
    async dropSecret(requestId: string): Promise<void> {
      await redis.del(secretKey(requestId));
    },
  };
}

export type Conversations = ReturnType<typeof createConversations>;
