import type { Redis } from "ioredis";
import type { BlobRef } from "../core/jobs.js";

/** One turn of a playground conversation: the words, and the images stored once as blobs. */
export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
  images: BlobRef[];
}

/** Turns kept per conversation: more than a request carries, so the newest are always there. */
const KEEP = 40;

/**
 * A browser session's conversation in Redis, so a follow-up sends the earlier turns and their
 * images by key (uploaded once) from whichever process takes it; it expires with the blobs.
 */
export function createChatTurns(redis: Redis, prefix: string, ttlS: number) {
  const key = (session: string) => `${prefix}web:turns:${session}`;
  return {
    async list(session: string): Promise<ChatTurn[]> {
      return (await redis.lrange(key(session), 0, -1)).map((t) => JSON.parse(t) as ChatTurn);
    },
    async add(session: string, turn: ChatTurn): Promise<void> {
      await redis
        .multi()
        .rpush(key(session), JSON.stringify(turn))
        .ltrim(key(session), -KEEP, -1)
        .expire(key(session), ttlS)
        .exec();
    },
    async clear(session: string): Promise<void> {
      await redis.del(key(session));
    },
  };
}

export type ChatTurns = ReturnType<typeof createChatTurns>;
