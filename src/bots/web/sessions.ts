import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Playground sessions, issued by the server: a random id in an HttpOnly, SameSite=Strict cookie,
 * kept in Redis with a TTL that every request renews, so a session ends after `idleS` without one
 * (any replica can resume it). The images a session may fetch from /blobs are listed under it: its
 * uploads and the images of its answers, for as long as blobs live.
 */

const SESSION_COOKIE = "llava_session";
/** 48 hex characters from 24 random bytes; nothing a browser makes up is accepted. */
const SESSION_ID = /^[0-9a-f]{48}$/;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function createWebSessions(redis: Redis, o: { prefix: string; idleS: number; blobTtlS: number }) {
  const key = (id: string) => `${o.prefix}:web:session:${id}`;
  const blobsKey = (id: string) => `${key(id)}:blobs`;
  return {
    /** The live session a Cookie header names (its idle time starts again), or undefined. */
    async resume(cookieHeader: string | undefined): Promise<string | undefined> {
      const id = cookieValue(cookieHeader, SESSION_COOKIE);
      if (!id || !SESSION_ID.test(id)) return undefined;
      return (await redis.expire(key(id), o.idleS)) === 1 ? id : undefined;
    },
    /** Renews a session that is in use without a request (an open event stream). */
    async touch(id: string): Promise<void> {
      await redis.expire(key(id), o.idleS);
    },
    async create(): Promise<string> {
      const id = randomBytes(24).toString("hex");
      await redis.set(key(id), "1", "EX", o.idleS);
      return id;
    },
    /**
     * A browser-session cookie: no Max-Age, because a fixed one would end a session in use; the
     * server's TTL ends an idle one, and the browser forgets it when it closes.
     */
    cookie(id: string): string {
      return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`;
    },
    /** Lets the session fetch these blobs (its uploads, its answers' images). */
    async own(id: string, blobKeys: string[]): Promise<void> {
      if (!blobKeys.length) return;
      await redis
        .multi()
        .sadd(blobsKey(id), ...blobKeys)
        .expire(blobsKey(id), o.blobTtlS)
        .exec();
    },
    async owns(id: string, blobKey: string): Promise<boolean> {
      return (await redis.sismember(blobsKey(id), blobKey)) === 1;
    },
  };
}

export type WebSessions = ReturnType<typeof createWebSessions>;
