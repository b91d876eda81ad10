import type { Config } from "../config/schema.js";
import type { NetworkLimits, PlatformName } from "../core/post-state.js";
import { networkReason } from "./limits.js";

/**
 * What a Mastodon-API server (Mastodon, and Pixelfed or GoToSocial, which speak the same API)
 * says about its own limits: `GET /api/v2/instance`, or `/api/v1/instance` on servers without v2.
 * Read once per process for each instance; a server that cannot be read gets the documented
 * defaults (presets.ts) and is asked again after a minute, so an outage is not a pile of calls.
 */

export interface InstanceRead {
  limits: NetworkLimits;
  /** "instance" when the server said; "defaults" with why it could not be read. */
  from: "instance" | "defaults";
  reason?: string;
}

/** At most this long for the read: a slow instance must not hold up a post. */
const READ_TIMEOUT_MS = 5000;
const RETRY_AFTER_FAILURE_MS = 60_000;

const cache = new Map<string, { read: Promise<InstanceRead>; until: number }>();

function count(v: unknown, min: number): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= 1e12 ? v : undefined;
}

/** The limits in an instance document; v1 and v2 put them under the same `configuration` keys. */
function limitsFromInstance(doc: unknown): NetworkLimits {
  const c = (doc as { configuration?: Record<string, Record<string, unknown> | undefined> })?.configuration;
  const statuses = c?.statuses ?? {};
  const media = c?.media_attachments ?? {};
  const found: NetworkLimits = {
    captionLimit: count(statuses.max_characters, 1),
    urlLength: count(statuses.characters_reserved_per_url, 0),
    altLimit: count(media.description_limit, 1),
    maxBytes: count(media.image_size_limit, 1),
  } as NetworkLimits;
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)) as NetworkLimits;
}

async function fetchJson(url: string, timeoutMs: number): Promise<{ status: number; body?: unknown }> {
  const res = await fetch(url, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) {
    await res.body?.cancel();
    return { status: res.status };
  }
  return { status: res.status, body: await res.json() };
}

async function read(instanceUrl: string, timeoutMs: number): Promise<InstanceRead> {
  const base = instanceUrl.replace(/\/+$/, "");
  try {
    let got = await fetchJson(`${base}/api/v2/instance`, timeoutMs);
    if (got.status === 404 || got.status === 410) got = await fetchJson(`${base}/api/v1/instance`, timeoutMs);
    if (got.body === undefined) return { limits: {}, from: "defaults", reason: `HTTP ${got.status}` };
    const limits = limitsFromInstance(got.body);
    return Object.keys(limits).length
      ? { limits, from: "instance" }
      : { limits: {}, from: "defaults", reason: "it states no limits" };
  } catch (err) {
    const reason = err instanceof SyntaxError ? "not JSON" : networkReason(err);
    return { limits: {}, from: "defaults", reason };
  }
}

/** The instance's limits, read once per process (a failed read is tried again after a minute). */
export function instanceLimits(instanceUrl: string, o: { timeoutMs?: number } = {}): Promise<InstanceRead> {
  const key = instanceUrl.replace(/\/+$/, "");
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.read;
  const timeoutMs = Math.min(o.timeoutMs ?? READ_TIMEOUT_MS, READ_TIMEOUT_MS);
  const entry = { read: read(instanceUrl, timeoutMs), until: Number.POSITIVE_INFINITY };
  cache.set(key, entry);
  void entry.read.then((r) => {
    if (r.from === "defaults") entry.until = Date.now() + RETRY_AFTER_FAILURE_MS;
  });
  return entry.read;
}

/** The configured instance a post for this platform follows, when its network states its own limits. */
export function instanceFor(platform: PlatformName, config: Config): string | undefined {
  if (platform === "mastodon") return config.publish.mastodon.instanceUrl;
  if (platform === "pixelfed") return config.publish.pixelfed.instanceUrl;
  return undefined;
}
