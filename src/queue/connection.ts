import { Redis } from "ioredis";
import { logger } from "../log.js";

/**
 * Redis connections as BullMQ wants them: workers and event listeners wait out outages
 * (maxRetriesPerRequest: null) so they resume by themselves; producers fail fast so an adapter
 * can tell the user at once instead of hanging while Redis is down.
 */
/** Connection errors are expected during outages; ioredis reconnects, so log them quietly once per burst. */
function quiet(redis: Redis): Redis {
  let last = 0;
  redis.on("error", (err: Error) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger().warn({ err: err.message }, "redis connection error; retrying");
  });
  return redis;
}

export interface ConnectionTuning {
  /**
   * Send the commands issued in one tick as one write (ioredis auto-pipelining). Only for
   * connections that never block (no BZPOPMIN, XREAD BLOCK or SUBSCRIBE on them).
   */
  autoPipelining?: boolean;
}

export function workerConnection(url: string, tuning: ConnectionTuning = {}): Redis {
  return quiet(
    new Redis(url, {
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      retryStrategy: (times: number) => Math.min(200 * times, 2000),
      ...(tuning.autoPipelining ? { enableAutoPipelining: true } : {}),
    }),
  );
}

export function producerConnection(url: string, tuning: ConnectionTuning = {}): Redis {
  return quiet(
    new Redis(url, {
      // Commands wait for the first connection, but fail after one reconnect attempt during an outage.
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      retryStrategy: (times: number) => Math.min(200 * times, 2000),
      ...(tuning.autoPipelining ? { enableAutoPipelining: true } : {}),
    }),
  );
}

/** Waits until a connection created with enableOfflineQueue: false is usable. */
export async function ready(redis: Redis): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      redis.off("error", onError);
      resolve();
    };
    const onError = (err: Error) => {
      if (redis.status === "end") {
        redis.off("ready", onReady);
        reject(err);
      }
    };
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

export interface BullConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  maxRetriesPerRequest: number | null;
  /** See ConnectionTuning; only for a Queue used to add jobs, never for a Worker or QueueEvents. */
  enableAutoPipelining?: boolean;
}

/**
 * Connection options for BullMQ's own connections (it creates and closes them). Workers and
 * event listeners wait forever through outages; queues used for adding fail after a retry.
 */
export function bullConnection(url: string, role: "worker" | "queue"): BullConnection {
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: role === "worker" ? null : 1,
  };
}
