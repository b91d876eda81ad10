import type { ConnectionOptions } from "bullmq";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { logger } from "../log.js";
import {
  type ConnectionBehaviour,
  checkClusterPrefix,
  clusterOptions,
  parseRedisUrl,
  type RedisTarget,
  redisOptions,
} from "./redis-url.js";

/**
 * Redis connections as BullMQ wants them: workers and event listeners wait out outages
 * (maxRetriesPerRequest: null) so they resume by themselves; producers fail fast so an adapter
 * can tell the user at once instead of hanging while Redis is down.
 */
/** Connection errors are expected during outages; ioredis reconnects, so log them quietly once per burst. */
function quiet<R extends Redis | Cluster>(redis: R): R {
  let last = 0;
  redis.on("error", (err: Error) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger().warn({ err: err.message }, "redis connection error; retrying");
  });
  return redis;
}

/**
 * One connection of ours, for any REDIS_URL form (see redis-url.ts). On Redis Cluster it is an
 * ioredis Cluster, which takes the same commands; every key we use carries the prefix's hash tag,
 * so multi-key scripts and pipelines stay within one slot.
 *
 * None auto-pipelines (ioredis enableAutoPipelining): it builds a Pipeline object per tick that
 * copies every script defined on the connection (BullMQ defines dozens), and bench:queue measured
 * the path faster without it, even in bursts.
 */
function connect(url: string, b: ConnectionBehaviour & { enableReadyCheck?: boolean }): Redis {
  const target = parseRedisUrl(url);
  if (target.mode === "cluster")
    return new Cluster(target.nodes, clusterOptions(target, b)) as unknown as Redis;
  const options = {
    ...redisOptions(target),
    maxRetriesPerRequest: b.maxRetriesPerRequest,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
    ...(b.connectTimeout ? { connectTimeout: b.connectTimeout } : {}),
    ...(b.enableReadyCheck ? { enableReadyCheck: true } : {}),
  } as RedisOptions & { replyMapping?: "legacy" };
  return new Redis(options);
}

export function workerConnection(url: string): Redis {
  return quiet(connect(url, { maxRetriesPerRequest: null, enableReadyCheck: true }));
}

export function producerConnection(url: string): Redis {
  return quiet(
    connect(url, {
      // Commands wait for the first connection, but fail after one reconnect attempt during an outage.
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
    }),
  );
}

/**
 * Start-up check of REDIS_URL against the key prefix: a URL that cannot be read, or Redis Cluster
 * with a prefix that is not a {hash tag}, fails here with one clear line instead of at the first
 * job with CROSSSLOT errors.
 */
export function checkRedisTarget(url: string, prefix: string): RedisTarget {
  const target = parseRedisUrl(url);
  checkClusterPrefix(target, prefix);
  return target;
}

/**
 * Waits until the connection is usable, for at most `timeoutMs`: a wrong password or an untrusted
 * certificate makes ioredis retry for ever, and a submit must fail with the reason instead of hanging.
 */
const FATAL = /WRONGPASS|NOAUTH|invalid (username-)?password|certificate|self[- ]signed|SSL routines/i;

export async function ready(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    let last: Error | undefined;
    const done = (err?: Error) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onError = (err: Error) => {
      last = err;
      // Retrying cannot fix a refused password or certificate: say so at once.
      if (redis.status === "end" || FATAL.test(err.message)) done(err);
    };
    const timer = setTimeout(
      () =>
        done(new Error(`Redis is not reachable${last ? `: ${last.message}` : ` within ${timeoutMs} ms`}`)),
      timeoutMs,
    );
    redis.once("ready", onReady);
    redis.on("error", onError);
  });
}

/** BullMQ loses jobs if Redis evicts keys under memory pressure; say so at start-up. */
export async function checkEvictionPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    const policy = reply[1];
    if (policy && policy !== "noeviction") {
      logger().warn(
        { policy },
        `Redis maxmemory-policy is "${policy}"; set it to "noeviction" (CONFIG SET maxmemory-policy noeviction) or jobs may be lost under memory pressure`,
      );
    }
    return policy;
  } catch {
    return undefined; // managed Redis services often forbid CONFIG
  }
}

/** What BullMQ's `connection` option gets: options for it to connect with, or (Cluster) a client. */
export type BullConnection = ConnectionOptions;

/**
 * Connection options for BullMQ's own connections (it creates and closes them). Workers and
 * event listeners wait forever through outages; queues used for adding fail after a retry.
 * On Redis Cluster BullMQ needs a Cluster client instead, made here; it stays open until exit.
 */
export function bullConnection(url: string, role: "worker" | "queue"): BullConnection {
  const target = parseRedisUrl(url);
  const maxRetriesPerRequest = role === "worker" ? null : 1;
  if (target.mode === "cluster") {
    const cluster = new Cluster(target.nodes, clusterOptions(target, { maxRetriesPerRequest }));
    return cluster as unknown as ConnectionOptions;
  }
  return { ...redisOptions(target), maxRetriesPerRequest } as ConnectionOptions;
}
