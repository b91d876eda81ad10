import type { Redis } from "ioredis";
import { CodedError, ErrorCode } from "../errors.js";

/**
 * Admission of a request, decided inside Redis by one Lua script so that any number of adapter
 * replicas agree, in one round trip:
 *
 * 1. Idempotency. The event was seen before when any trace of it exists: the short "pending"
 *    mark this script sets, the request's job, its delivery job, or its delivered mark. Those
 *    outlive one another (the delivery job is added before the request job completes, the
 *    delivered mark lasts a week), so a platform retry at any later time finds one. A duplicate
 *    gets its current place in the queue and counts toward nothing.
 * 2. Limits: per-user in-flight slots (entries carry their own expiry, so a request whose engine
 *    died cannot hold a slot forever) and a per-scope rate window.
 * 3. Position: how many waiting requests of the same or a more urgent priority are ahead, read
 *    before the job is added, so the producer needs no round trip after adding it.
 *
 * The pending mark is short on purpose: if adding the job then fails (Redis went away), the
 * producer clears it and the slot; should that fail too, a platform retry is admitted once the
 * mark lapses instead of being taken for a duplicate of a request that was never queued.
 */
const ADMIT = `
local inflight, rate, prioritized = KEYS[1], KEYS[2], KEYS[3]
local now, expires, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local userLimit, rateLimit, window, countInflight = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7] == "1"
local jobId, pendingMs, maxScore = ARGV[8], tonumber(ARGV[9]), ARGV[10]
if redis.call("EXISTS", unpack(KEYS, 4)) > 0 then
  local rank = redis.call("ZRANK", prioritized, jobId)
  return {2, 0, rank and rank + 1 or 0}
end
redis.call("ZREMRANGEBYSCORE", inflight, "-inf", now)
local counted = 0
if not redis.call("ZSCORE", inflight, id) then
  if countInflight and redis.call("ZCARD", inflight) >= userLimit then return {0, 1, 0} end
  local used = tonumber(redis.call("GET", rate) or "0")
  if used >= rateLimit then return {0, 2, redis.call("TTL", rate)} end
  redis.call("INCR", rate)
  if used == 0 then redis.call("EXPIRE", rate, window) end
  if countInflight then
    redis.call("ZADD", inflight, expires, id)
    redis.call("PEXPIREAT", inflight, expires)
  end
  counted = 1
end
redis.call("SET", KEYS[4], "pending", "PX", pendingMs)
return {1, counted, redis.call("ZCOUNT", prioritized, 0, maxScore) + 1}
`;

/** Gives back what ADMIT took, when the job could not be added after all. */
const UNADMIT = `
if ARGV[2] == "1" then
  redis.call("ZREM", KEYS[1], ARGV[1])
  if tonumber(redis.call("GET", KEYS[2]) or "0") > 0 then redis.call("DECR", KEYS[2]) end
end
redis.call("DEL", KEYS[3])
return 1
`;

export interface LimitOptions {
  prefix: string;
  perUserInFlight: number;
  perScopeRate: number;
  perScopeWindowS: number;
  /** How long an admitted request may hold its slot at most (safety net for crashed engines). */
  slotTtlMs: number;
  /** How long the pending mark keeps racing copies of an event out before its job exists. */
  pendingMs?: number;
}

export interface LimitSubject {
  requestId: string;
  platform: string;
  userId: string;
  scopeId: string;
  /** Background work (auto-captions) counts toward the scope rate but not the user's in-flight slots. */
  background: boolean;
}

/** Where ADMIT looks for traces of an earlier copy of the event, and how it places the request. */
export interface AdmitKeys {
  /** Set by ADMIT; its presence makes a racing copy a duplicate. */
  pending: string;
  /** Any of these existing also makes it a duplicate (job hashes, delivered mark). */
  traces: string[];
  /** The sorted set of waiting requests, for the position. */
  prioritized: string;
  /** The request's job id, for a duplicate's position. */
  jobId: string;
  /** BullMQ's priority score bound: jobs at or under it are ahead of a new job of this priority. */
  maxScore: number;
}

export interface Admission {
  status: "admitted" | "seen";
  position: number;
  /** False when this request id already held its slot (a retry after a failed add): nothing new was counted. */
  counted: boolean;
  /** When it was admitted: the rate window to give back to if the job cannot be added. */
  at?: number;
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

type Scripts = {
  llavaAdmit(...args: (string | number)[]): Promise<[number, number, number]>;
  llavaUnadmit(...args: (string | number)[]): Promise<unknown>;
};

export function createLimits(redis: Redis, options: LimitOptions) {
  // defineCommand sends EVALSHA, and the script body only when Redis does not know it yet.
  if (!("llavaAdmit" in redis)) {
    redis.defineCommand("llavaAdmit", { lua: ADMIT });
    redis.defineCommand("llavaUnadmit", { numberOfKeys: 3, lua: UNADMIT });
  }
  const scripts = redis as unknown as Scripts;
  const pendingMs = options.pendingMs ?? 60_000;
  return {
    /**
     * Admits the request (and tells its place in the queue), reports an earlier copy of it as
     * "seen", or throws a CodedError the adapter can show as is.
     */
    async admit(s: LimitSubject, k: AdmitKeys): Promise<Admission> {
      const now = Date.now();
      const lk = keys(options, s, now);
      // KEYS: inflight, rate, waiting set, then the pending mark and the traces (EXISTS runs over those).
      const [ok, reason, value] = await scripts.llavaAdmit(
        4 + k.traces.length,
        lk.inflight,
        lk.rate,
        k.prioritized,
        k.pending,
        ...k.traces,
        now,
        now + options.slotTtlMs,
        s.requestId,
        options.perUserInFlight,
        options.perScopeRate,
        options.perScopeWindowS,
        s.background ? "0" : "1",
        k.jobId,
        pendingMs,
        k.maxScore,
      );
      if (ok === 2) return { status: "seen", position: value, counted: false };
      if (ok === 1) return { status: "admitted", position: value, counted: reason === 1, at: now };
      if (reason === 1) {
        throw new CodedError(
          ErrorCode.TooManyInFlight,
          `You already have ${options.perUserInFlight} requests in progress. Please wait for one to finish.`,
        );
      }
      const wait = Math.max(1, value);
      throw new CodedError(
        ErrorCode.RateLimited,
        `This server is sending a lot of requests right now. Please try again in ${wait} s.`,
        { retryAfterS: wait },
      );
    },
    /** Undoes an admission whose job could not be added: slot, rate count and pending mark. */
    async unadmit(s: LimitSubject, pending: string, admission: Admission): Promise<void> {
      const lk = keys(options, s, admission.at ?? Date.now());
      await scripts.llavaUnadmit(lk.inflight, lk.rate, pending, s.requestId, admission.counted ? "1" : "0");
    },
    /** Frees the user's slot once the request has delivered or failed for good. */
    async release(s: Pick<LimitSubject, "requestId" | "platform" | "userId">): Promise<void> {
      await redis.zrem(inflightKey(options.prefix, s.platform, s.userId), s.requestId);
    },
  };
}

export type Limits = ReturnType<typeof createLimits>;
