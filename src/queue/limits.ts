import type { Redis } from "ioredis";
import { CodedError, ErrorCode } from "../errors.js";
import { batcher } from "./batch.js";

/**
 * Admission of a request, decided inside Redis by one Lua script so that any number of adapter
 * replicas agree, in one round trip. Requests submitted together share that round trip
 * (batch.ts): the script takes them in order, as if they had come one by one.
 *
 * 1. Idempotency. The event was seen before when any trace of it exists: the short "pending"
 *    mark this script sets, the request's job, its delivery job, or its delivered mark. Those
 *    outlive one another (the delivery job is added before the request job completes, the
 *    delivered mark lasts a week), so a platform retry at any later time finds one. A duplicate
 *    gets its current place in the queue and counts toward nothing.
 * 2. Limits: per-user in-flight slots (entries carry their own expiry, so a request whose engine
 *    died cannot hold a slot forever) and a per-scope rate window for interactive requests.
 *    Background work (auto-captions) has a budget of its own per window and is never refused:
 *    past the budget it gets a slot in the first later window with room, and the producer adds
 *    it delayed until then. A burst of uploads thus neither refuses anyone's mention nor drops
 *    a caption; it only waits its turn.
 * 3. Position: how many waiting requests of the same or a more urgent priority are ahead, read
 *    before the job is added, so the producer needs no round trip after adding it (requests
 *    admitted earlier in the same call count as waiting).
 *
 * The pending mark is short on purpose: if adding the job then fails (Redis went away), the
 * producer clears it and the slot; should that fail too, a platform retry is admitted once the
 * mark lapses instead of being taken for a duplicate of a request that was never queued.
 */
const ADMIT = `
local userLimit, rateLimit, window, pendingMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local bgLimit = tonumber(ARGV[5])
local out, admitted = {}, {}
local k, a = 1, 6
while a <= #ARGV do
  local nkeys, now, expires, id = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), ARGV[a + 3]
  local countInflight, jobId, maxScore = ARGV[a + 4] == "1", ARGV[a + 5], tonumber(ARGV[a + 6])
  local inflight, rate, prioritized, pending = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local first, last = k + 3, k + nkeys - 1
  a, k = a + 7, k + nkeys
  local verdict
  if redis.call("EXISTS", unpack(KEYS, first, last)) > 0 then
    local rank = redis.call("ZRANK", prioritized, jobId)
    verdict = {2, 0, rank and rank + 1 or 0, 0}
  else
    redis.call("ZREMRANGEBYSCORE", inflight, "-inf", now)
    local counted, delay = 0, 0
    if not countInflight then
      -- Background: the first window from now with room in its budget (rate is the scope's
      -- reservation hash here: the newest window reserved and how many it holds).
      local current = math.floor(now / 1000 / window)
      local w = tonumber(redis.call("HGET", rate, "w") or "0")
      local n = tonumber(redis.call("HGET", rate, "n") or "0")
      if w < current then w, n = current, 0 end
      if n >= bgLimit then w, n = w + 1, 0 end
      redis.call("HSET", rate, "w", w, "n", n + 1)
      redis.call("PEXPIREAT", rate, (w + 1) * window * 1000)
      if w > current then delay = w * window * 1000 - now end
    elseif not redis.call("ZSCORE", inflight, id) then
      local used = tonumber(redis.call("GET", rate) or "0")
      if redis.call("ZCARD", inflight) >= userLimit then
        verdict = {0, 1, 0, 0}
      elseif used >= rateLimit then
        verdict = {0, 2, redis.call("TTL", rate), 0}
      else
        redis.call("INCR", rate)
        if used == 0 then redis.call("EXPIRE", rate, window) end
        redis.call("ZADD", inflight, expires, id)
        redis.call("PEXPIREAT", inflight, expires)
        counted = 1
      end
    end
    if not verdict then
      redis.call("SET", pending, "pending", "PX", pendingMs)
      -- Requests admitted earlier in this call are not queued yet but will be ahead of this one.
      local ahead = 0
      for _, score in ipairs(admitted) do
        if score <= maxScore then ahead = ahead + 1 end
      end
      admitted[#admitted + 1] = maxScore
      verdict = {1, counted, redis.call("ZCOUNT", prioritized, 0, maxScore) + ahead + 1, delay}
    end
  end
  for i = 1, 4 do out[#out + 1] = verdict[i] end
end
return out
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
  /** Background requests (auto-captions) per scope per window; more wait for a later window. */
  backgroundRate: number;
  /** How long an admitted request may hold its slot at most (safety net for crashed engines). */
  slotTtlMs: number;
  /** How long the pending mark keeps racing copies of an event out before its job exists. */
  pendingMs?: number;
}

/** What a scope is called where the person reads the refusal. */
const SCOPE_NAMES: Record<string, string> = {
  discord: "This server",
  slack: "This workspace",
  web: "This playground",
  cli: "This machine",
};

export interface LimitSubject {
  requestId: string;
  platform: string;
  userId: string;
  scopeId: string;
  /**
   * Background work (auto-captions) has its own budget per scope, and neither the user's
   * in-flight slots nor the interactive rate window count it.
   */
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
  /** Background work past its window's budget: add the job delayed by this many ms. */
  delayMs: number;
}

/** The sorted set of a user's admitted, unfinished requests; the delivery worker frees slots in it. */
export function inflightKey(prefix: string, platform: string, userId: string): string {
  return `${prefix}:inflight:${platform}:${userId}`;
}

function keys(
  o: LimitOptions,
  s: Pick<LimitSubject, "platform" | "userId" | "scopeId" | "background">,
  now: number,
) {
  const window = Math.floor(now / 1000 / o.perScopeWindowS);
  return {
    inflight: inflightKey(o.prefix, s.platform, s.userId),
    // Background reserves windows ahead in one hash per scope; interactive counts this window.
    rate: s.background
      ? `${o.prefix}:rate-bg:${s.platform}:${s.scopeId}`
      : `${o.prefix}:rate:${s.platform}:${s.scopeId}:${window}`,
  };
}

type Scripts = {
  llavaAdmit(...args: (string | number)[]): Promise<number[]>;
  llavaUnadmit(...args: (string | number)[]): Promise<unknown>;
};

/** One request's part of an ADMIT call: its keys, then its arguments. */
type AdmitItem = { keys: string[]; args: (string | number)[] };

export function createLimits(redis: Redis, options: LimitOptions) {
  // defineCommand sends EVALSHA, and the script body only when Redis does not know it yet.
  if (!("llavaAdmit" in redis)) {
    redis.defineCommand("llavaAdmit", { lua: ADMIT });
    redis.defineCommand("llavaUnadmit", { numberOfKeys: 3, lua: UNADMIT });
  }
  const scripts = redis as unknown as Scripts;
  const pendingMs = options.pendingMs ?? 60_000;
  const admitBatch = batcher(async (items: AdmitItem[]) => {
    const keys = items.flatMap((i) => i.keys);
    const args = items.flatMap((i) => i.args);
    const flat = await scripts.llavaAdmit(
      keys.length,
      ...keys,
      options.perUserInFlight,
      options.perScopeRate,
      options.perScopeWindowS,
      pendingMs,
      options.backgroundRate,
      ...args,
    );
    return items.map((_, i) => flat.slice(4 * i, 4 * i + 4) as [number, number, number, number]);
  });
  return {
    /**
     * Admits the request (and tells its place in the queue), reports an earlier copy of it as
     * "seen", or throws a CodedError the adapter can show as is.
     */
    async admit(s: LimitSubject, k: AdmitKeys): Promise<Admission> {
      const now = Date.now();
      const lk = keys(options, s, now);
      // Keys: inflight, rate, waiting set, then the pending mark and the traces (EXISTS runs over those).
      const itemKeys = [lk.inflight, lk.rate, k.prioritized, k.pending, ...k.traces];
      const [ok, reason, value, delayMs = 0] = await admitBatch.now({
        keys: itemKeys,
        args: [
          itemKeys.length,
          now,
          now + options.slotTtlMs,
          s.requestId,
          s.background ? "0" : "1",
          k.jobId,
          k.maxScore,
        ],
      });
      if (ok === 2) return { status: "seen", position: value, counted: false, delayMs: 0 };
      if (ok === 1)
        return {
          status: "admitted",
          position: value,
          counted: reason === 1,
          at: now,
          delayMs: Math.max(0, delayMs),
        };
      if (reason === 1) {
        throw new CodedError(
          ErrorCode.TooManyInFlight,
          `You already have ${options.perUserInFlight} requests in progress. Please wait for one to finish.`,
        );
      }
      const wait = Math.max(1, value);
      throw new CodedError(
        ErrorCode.RateLimited,
        `${SCOPE_NAMES[s.platform] ?? "Everyone here"} is sending a lot of requests right now. Please try again in ${wait} s.`,
        { retryAfterS: wait },
      );
    },
    /** Undoes an admission whose job could not be added: slot, rate count and pending mark. */
    async unadmit(s: LimitSubject, pending: string, admission: Admission): Promise<void> {
      // A background reservation is not given back: a later one merely waits a little longer.
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
