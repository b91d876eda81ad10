import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

/**
 * HTTP basic auth for the playground and the engine's ops server, and the rules about where they
 * may listen. Passwords are compared as fixed-length digests in constant time, so neither a wrong
 * length nor a wrong first byte answers faster; the user name is checked only where one is set.
 */

const digest = (s: string) => createHash("sha256").update(s).digest();

/** The user name and password a `Basic` header carries, or undefined. */
function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  if (!header?.startsWith("Basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Whether the header holds this password (and this user name, when one is configured). */
export function credentialsMatch(
  header: string | undefined,
  wanted: { password: string; user?: string | undefined },
): boolean {
  const given = basicCredentials(header);
  if (!given) return false;
  // Both compared, always, so a right user name with a wrong password takes as long as a wrong one.
  const passwordOk = timingSafeEqual(digest(given.password), digest(wanted.password));
  const userOk = wanted.user === undefined || timingSafeEqual(digest(given.user), digest(wanted.user));
  return passwordOk && userOk;
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1" || h === "::ffff:127.0.0.1";
}

/**
 * Wrong passwords per client address: `max` in a sliding minute, then every attempt is refused
 * (with the seconds until the oldest counted one leaves the window) without checking the password.
 * Entries are dropped as their window passes, so the map holds only recent offenders.
 */
export function createAttemptLimiter(o: { max: number; windowMs?: number; now?: () => number }) {
  const windowMs = o.windowMs ?? 60_000;
  const now = o.now ?? Date.now;
  const failures = new Map<string, number[]>();

  function recent(client: string, t: number): number[] {
    const kept = (failures.get(client) ?? []).filter((at) => t - at < windowMs);
    if (kept.length) failures.set(client, kept);
    else failures.delete(client);
    return kept;
  }

  return {
    /** Seconds to wait before trying again, or 0 when this client may try now. */
    retryAfterS(client: string): number {
      const t = now();
      const list = recent(client, t);
      if (list.length < o.max) return 0;
      return Math.max(1, Math.ceil(((list[0] as number) + windowMs - t) / 1000));
    },
    failed(client: string): void {
      const t = now();
      failures.set(client, [...recent(client, t), t]);
      // Forget the quiet ones now and then, so a scan of many addresses cannot grow the map.
      if (failures.size > 10_000) for (const c of [...failures.keys()]) recent(c, t);
    },
    size: () => failures.size,
  };
}

export type AttemptLimiter = ReturnType<typeof createAttemptLimiter>;

/** Wrong passwords a client address may send in a minute before it gets 429s. */
const PASSWORD_ATTEMPTS_PER_MINUTE = 10;

/**
 * A Fastify onRequest hook asking for a password: 401 with a challenge when `accepts` says no (the
 * attempt counts against the client's address), 429 with Retry-After once it has tried too often.
 * `accepts` returns who signed in (any value), which `who(req)` gives back for the same request.
 */
export function passwordGate<T>(o: {
  realm: string;
  accepts: (authorization: string | undefined) => T | undefined;
  limiter?: AttemptLimiter;
}) {
  const limiter = o.limiter ?? createAttemptLimiter({ max: PASSWORD_ATTEMPTS_PER_MINUTE });
  const signedIn = new WeakMap<object, T>();
  const hook = async (req: GateRequest, reply: GateReply) => {
    const client = req.ip;
    const wait = limiter.retryAfterS(client);
    if (wait > 0)
      return reply
        .header("retry-after", String(wait))
        .code(429)
        .send("too many wrong passwords; try again later");
    const who = o.accepts(req.headers.authorization);
    if (who !== undefined) {
      signedIn.set(req, who);
      return;
    }
    // A browser's first request carries no header yet: only a password that was sent and is wrong counts.
    if (req.headers.authorization) limiter.failed(client);
    return reply.header("www-authenticate", `Basic realm="${o.realm}"`).code(401).send("password required");
  };
  return { hook, who: (req: object): T | undefined => signedIn.get(req) };
}

interface GateRequest {
  ip: string;
  headers: { authorization?: string | undefined };
}
interface GateReply {
  header(name: string, value: string): GateReply;
  code(status: number): GateReply;
  send(body: string): unknown;
}
