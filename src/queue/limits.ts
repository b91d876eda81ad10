import type { Redis } from "ioredis";
import { CodedError, ErrorCode } from "../errors.js";

/**
 * Per-user in-flight and per-scope (guild/workspace) rate limits, decided inside Redis by one Lua
 * script so that any number of adapter replicas agree. In-flight entries carry their own expiry,
 * so a request whose engine died cannot hold a slot forever.
 */
const ACQUIRE = `
local inflight, rate, seen = KEYS[1], KEYS[2], KEYS[3]
if seen ~= "" and redis.call("EXISTS", seen) == 1 then return {2, 0, 0} end
local now, expires, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local userLimit, rateLimit, window, countInflight = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7] == "1"
redis.call("ZREMRANGEBYSCORE", inflight, "-inf", now)
if redis.call("ZSCORE", inflight, id) then return {1, 0, 0} end
if countInflight and redis.call("ZCARD", inflight) >= userLimit then return {0, 1, 0} end
local used = tonumber(redis.call("GET", rate) or "0")
if used >= rateLimit then return {0, 2, redis.call("TTL", rate)} end
redis.call("INCR", rate)
if used == 0 then redis.call("EXPIRE", rate, window) end
if countInflight then
  redis.call("ZADD", inflight, expires, id)
  redis.call("PEXPIREAT", inflight, expires)
end
return {1, 0, 0}
`;

export interface LimitOptions {
  prefix: string;
  perUserInFlight: number;
  perScopeRate: number;
  perScopeWindowS: number;
  /** How long an admitted request may hold its slot at most (safety net for crashed engines). */
  slotTtlMs: number;
}

export interface LimitSubject {
  requestId: string;
  /** When given and present, the event was seen before: nothing is counted and "seen" comes back. */
  seenKey?: string;
  platform: string;
  userId: string;
  scopeId: string;
  /** Background work (auto-captions) counts toward the scope rate but not the user's in-flight slots. */
  background: boolean;
}

/** The sorted set of a user's admitted, unfinished requests; the delivery worker frees slots in it. */
export function inflightKey(prefix: string, platform: string, userId: string): string {
  return `${prefix}:inflight:${platform}:${userId}`;
}

function keys(o: LimitOptions, s: Pick<LimitSubject, "platform" | "userId" | "scopeId">, now: number) {
  const window = Math.floor(now / 1000 / o.perScopeWindowS);
  return {
    inflight: inflightKey(o.prefix, s.platform, s.userId),
    rate: `${o.prefix}:rate:${s.platform}:${s.scopeId}:${window}`,
  };
}

type Acquirer = { llavaAcquire(...args: (string | number)[]): Promise<unknown> };

export function createLimits(redis: Redis, options: LimitOptions) {
  if (!("llavaAcquire" in redis)) redis.defineCommand("llavaAcquire", { numberOfKeys: 3, lua: ACQUIRE });
  return {
    /** Admits the request or throws a CodedError the adapter can show as is. Idempotent per request id. */
    async acquire(s: LimitSubject): Promise<"admitted" | "seen"> {
      const now = Date.now();
      const k = keys(options, s, now);
      // EVALSHA after the first call: the script is not sent on every request.
      const [ok, reason, ttl] = (await (redis as unknown as Acquirer).llavaAcquire(
        k.inflight,
        k.rate,
        s.seenKey ?? "",
        now,
        now + options.slotTtlMs,
        s.requestId,
        options.perUserInFlight,
        options.perScopeRate,
        options.perScopeWindowS,
        s.background ? "0" : "1",
      )) as [number, number, number];
      if (ok === 2) return "seen";
      if (ok === 1) return "admitted";
      if (reason === 1) {
        throw new CodedError(
          ErrorCode.TooManyInFlight,
          `You already have ${options.perUserInFlight} requests in progress. Please wait for one to finish.`,
        );
      }
      const wait = Math.max(1, ttl);
      throw new CodedError(
        ErrorCode.RateLimited,
        `This server is sending a lot of requests right now. Please try again in ${wait} s.`,
        {
          retryAfterS: wait,
        },
      );
    },
    /** Frees the user's slot once the request has delivered or failed for good. */
    async release(s: Pick<LimitSubject, "requestId" | "platform" | "userId">): Promise<void> {
      await redis.zrem(inflightKey(options.prefix, s.platform, s.userId), s.requestId);
    },
  };
}

export type Limits = ReturnType<typeof createLimits>;
