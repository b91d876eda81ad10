import { readFileSync } from "node:fs";
import type { Cluster, RedisOptions } from "ioredis";
import { CodedError, ErrorCode } from "../errors.js";
import { SentinelTlsConnector, TlsConnector } from "./tls-connector.js";

/**
 * Where Redis is, all in REDIS_URL (a secret: it may hold passwords), in the forms users know:
 *
 *   redis://[user:password@]host[:6379][/db]                 one server
 *   rediss://…                                                the same over TLS
 *   redis+sentinel://[user:password@]s1[:26379][,s2…]/name[/db]   Sentinel: the sentinels and the master's name
 *   redis+cluster://[user:password@]n1[:6379][,n2…]          Redis Cluster: a few seed nodes
 *   rediss+sentinel://…, rediss+cluster://…                   either over TLS
 *
 * Query options: `ca=/path/ca.pem` (a private CA or self-signed certificate), `servername=name`
 * (TLS server name when connecting by address), `verify=false` (skip certificate checks: tests
 * only), `sentinelPassword=…` (when the sentinels have a password of their own; also
 * REDIS_SENTINEL_PASSWORD).
 */
export interface RedisTarget {
  mode: "standalone" | "sentinel" | "cluster";
  tls: boolean;
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  db?: number;
  /** Sentinel: the monitored master's name. */
  name?: string;
  sentinelPassword?: string;
  ca?: string;
  servername?: string;
  verify: boolean;
}

// The authority runs to the last @ before the path, so an unencoded @ in a password never
// spills into the host (and from there into an error message).
const FORM = /^(rediss?)(?:\+(sentinel|cluster))?:\/\/(?:([^/?#]*)@)?([^/?#@]*)(\/[^?#]*)?(?:\?([^#]*))?$/;
const OPTIONS = new Set(["ca", "servername", "verify", "sentinelPassword"]);

/**
 * REDIS_URL is a secret: no message quotes any part of it after the scheme (a password with an
 * unencoded @ or : once showed up in "a host I cannot read"), only what kind of part is wrong.
 */
function invalid(why: string): CodedError {
  return new CodedError(
    ErrorCode.ConfigInvalid,
    `REDIS_URL ${why}. Forms: redis://[:password@]host:6379[/db], rediss://… for TLS, redis+sentinel://sentinel1:26379,sentinel2:26379/mymaster, redis+cluster://node1:6379,node2:6379.`,
  );
}

function node(text: string, defaultPort: number): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(text);
  if (!m?.[1]) throw invalid("has a host I cannot read");
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (port < 1 || port > 65535) throw invalid("has a port out of range (1-65535)");
  return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

function database(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^\d+$/.test(text)) throw invalid("names a database that is not a number");
  return Number(text);
}

export function parseRedisUrl(url: string, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  const m = FORM.exec(url.trim());
  if (!m) throw invalid("is not a Redis URL");
  const [, scheme, kind, auth, hosts = "", path = "", query = ""] = m;
  if (auth?.includes("@"))
    throw invalid("has an @ in its user name or password; write it as %40 (and a : in a password as %3A)");
  const mode = (kind ?? "standalone") as RedisTarget["mode"];
  const defaultPort = mode === "sentinel" ? 26379 : 6379;
  const nodes = hosts
    .split(",")
    .filter(Boolean)
    .map((h) => node(h, defaultPort));
  if (nodes.length === 0) throw invalid("names no host");
  if (mode === "standalone" && nodes.length > 1)
    throw invalid("lists several hosts; use redis+sentinel:// or redis+cluster:// for those");
  const target: RedisTarget = { mode, tls: scheme === "rediss", nodes, verify: true };
  if (auth) {
    const colon = auth.indexOf(":");
    const user = colon < 0 ? auth : auth.slice(0, colon);
    const password = colon < 0 ? "" : auth.slice(colon + 1);
    // redis://password@host (no colon) is a common slip; Redis then gets it as the password.
    if (colon < 0) target.password = decodeURIComponent(user);
    else {
      if (user) target.username = decodeURIComponent(user);
      if (password) target.password = decodeURIComponent(password);
    }
  }
  const segments = path.split("/").filter(Boolean);
  if (mode === "sentinel") {
    if (!segments[0]) throw invalid("uses Sentinel but names no master (…/mymaster)");
    target.name = decodeURIComponent(segments[0]);
    const db = database(segments[1]);
    if (db !== undefined) target.db = db;
    if (segments.length > 2) throw invalid("has an unexpected path after the database");
  } else {
    if (segments.length > 1) throw invalid("has an unexpected path after the database");
    const db = database(segments[0]);
    if (db !== undefined) {
      if (mode === "cluster" && db !== 0)
        throw invalid("selects a database; Redis Cluster has only database 0");
      target.db = db;
    }
  }
  for (const [key, value] of new URLSearchParams(query)) {
    if (!OPTIONS.has(key))
      // Only a word is named back: anything else could be a piece of a secret.
      throw invalid(
        `has an unknown option${/^[A-Za-z_]{1,32}$/.test(key) ? ` "${key}"` : ""} (known: ${[...OPTIONS].join(", ")})`,
      );
    if (key === "ca") target.ca = value;
    if (key === "servername") target.servername = value;
    if (key === "verify") target.verify = !/^(false|0|no)$/i.test(value);
    if (key === "sentinelPassword") target.sentinelPassword = value;
  }
  if (!target.sentinelPassword && mode === "sentinel" && env.REDIS_SENTINEL_PASSWORD)
    target.sentinelPassword = env.REDIS_SENTINEL_PASSWORD;
  if ((target.ca || target.servername || !target.verify) && !target.tls)
    throw invalid("sets TLS options but is not rediss://");
  return target;
}

/** The part of a REDIS_URL that is safe to print: scheme, hosts and database, no password. */
export function describeRedisUrl(url: string): string {
  try {
    const t = parseRedisUrl(url, {});
    const scheme = `${t.tls ? "rediss" : "redis"}${t.mode === "standalone" ? "" : `+${t.mode}`}`;
    const hosts = t.nodes.map((n) => `${n.host.includes(":") ? `[${n.host}]` : n.host}:${n.port}`).join(",");
    return `${scheme}://${hosts}${t.name ? `/${t.name}` : ""}${t.db ? `/${t.db}` : ""}`;
  } catch {
    return "(unreadable REDIS_URL)";
  }
}

function tlsOptions(t: RedisTarget): RedisOptions["tls"] {
  if (!t.tls) return undefined;
  let ca: Buffer | undefined;
  if (t.ca) {
    try {
      ca = readFileSync(t.ca);
    } catch {
      throw new CodedError(
        ErrorCode.ConfigInvalid,
        "REDIS_URL names a CA file (its ca= option) that cannot be read.",
      );
    }
  }
  return {
    ...(ca ? { ca } : {}),
    ...(t.servername ? { servername: t.servername } : {}),
    ...(t.verify ? {} : { rejectUnauthorized: false }),
  };
}

/** ioredis options for one server or a Sentinel-managed master (not for Cluster). */
export function redisOptions(t: RedisTarget): RedisOptions {
  const tls = tlsOptions(t);
  const auth = {
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.db !== undefined ? { db: t.db } : {}),
  };
  if (t.mode === "sentinel") {
    return {
      sentinels: t.nodes,
      name: t.name as string,
      ...auth,
      ...(t.sentinelPassword ? { sentinelPassword: t.sentinelPassword } : {}),
      ...(tls
        ? { tls, enableTLSForSentinelMode: true, sentinelTLS: tls, Connector: SentinelTlsConnector }
        : {}),
    };
  }
  const first = t.nodes[0] as { host: string; port: number };
  return { host: first.host, port: first.port, ...auth, ...(tls ? { tls, Connector: TlsConnector } : {}) };
}

/** How our connections behave, whatever the topology. */
export interface ConnectionBehaviour {
  maxRetriesPerRequest: number | null;
  connectTimeout?: number;
}

/** ioredis Cluster options: what every node connection uses. */
export function clusterOptions(
  t: RedisTarget,
  b: ConnectionBehaviour,
): ConstructorParameters<typeof Cluster>[1] {
  const tls = tlsOptions(t);
  const redisOptions: NonNullable<NonNullable<ConstructorParameters<typeof Cluster>[1]>["redisOptions"]> = {
    maxRetriesPerRequest: b.maxRetriesPerRequest,
    ...(b.connectTimeout ? { connectTimeout: b.connectTimeout } : {}),
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(tls ? { tls, Connector: TlsConnector } : {}),
  };
  const options: NonNullable<ConstructorParameters<typeof Cluster>[1]> = {
    redisOptions,
    clusterRetryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
  // With TLS, connect by the names the nodes announce so certificates match.
  if (tls) options.dnsLookup = (address, callback) => callback(null, address);
  return options;
}

/**
 * BullMQ on Redis Cluster needs every key of a queue in one hash slot, which a prefix that is a
 * hash tag gives (`{llava-bot}`): our own keys (limits, blobs, marks) share it, so the scripts
 * that touch several of them stay in one slot too.
 */
export function checkClusterPrefix(target: RedisTarget, prefix: string): void {
  if (target.mode !== "cluster" || /^\{[^{}]+\}/.test(prefix)) return;
  const tagged = `{${prefix.replace(/[{}]/g, "")}}`;
  throw new CodedError(
    ErrorCode.ConfigInvalid,
    `Redis Cluster needs redis.prefix to be a hash tag in braces, so that each queue's keys share one slot: "${prefix}" is not. Set redis.prefix: "${tagged}" (or LLAVA_BOT__REDIS__PREFIX='${tagged}').`,
  );
}
