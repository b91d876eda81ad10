import type { Config } from "../config/schema.js";
import type { Secrets } from "../config/secrets.js";
import type { NetworkLimits, PlatformName } from "../core/post-state.js";
import { blueskyPublisher } from "./bluesky.js";
import { notConfigured } from "./errors.js";
import { instanceLimits } from "./instance.js";
import { mastodonPublisher } from "./mastodon.js";
import { PUBLISH_TARGETS, type Publisher, type PublishTarget } from "./port.js";

export { publishOnce } from "./once.js";
export * from "./port.js";
export { filePublishStore, redisPublishStore } from "./store.js";

/** What is missing before a target can publish, or undefined when it is ready. */
function missing(target: PublishTarget, config: Config, secrets: Secrets): string | undefined {
  if (target === "mastodon") {
    const gaps = [
      config.publish.mastodon.instanceUrl ? "" : "publish.mastodon.instanceUrl",
      secrets.mastodonAccessToken ? "" : "MASTODON_ACCESS_TOKEN",
    ].filter(Boolean);
    return gaps.length ? `set ${gaps.join(" and ")}` : undefined;
  }
  const gaps = [
    config.publish.bluesky.handle ? "" : "publish.bluesky.handle",
    secrets.blueskyAppPassword ? "" : "BLUESKY_APP_PASSWORD",
  ].filter(Boolean);
  return gaps.length ? `set ${gaps.join(" and ")}` : undefined;
}

/**
 * Targets whose account the configuration names (the tokens may live only with the engines): an
 * approval of a post for one of them is meant to publish, so only an approver may give it.
 */
export function accountTargets(config: Config): PublishTarget[] {
  return PUBLISH_TARGETS.filter((t) =>
    t === "mastodon" ? Boolean(config.publish.mastodon.instanceUrl) : Boolean(config.publish.bluesky.handle),
  );
}

/** Targets with an account configured. */
export function configuredTargets(config: Config, secrets: Secrets): PublishTarget[] {
  return PUBLISH_TARGETS.filter((t) => !missing(t, config, secrets));
}

/** The publisher for a target, or a PublishError saying what to set. Credentials stay inside it. */
export function createPublisher(target: PublishTarget, config: Config, secrets: Secrets): Publisher {
  const gap = missing(target, config, secrets);
  if (gap) throw notConfigured(target, gap);
  const { mastodon, bluesky, timeoutMs } = config.publish;
  if (target === "mastodon")
    return mastodonPublisher({
      instanceUrl: mastodon.instanceUrl as string,
      accessToken: secrets.mastodonAccessToken as string,
      visibility: mastodon.visibility,
      timeoutMs,
    });
  return blueskyPublisher({
    service: bluesky.service,
    identifier: bluesky.handle as string,
    password: secrets.blueskyAppPassword as string,
    timeoutMs,
    appUrl: bluesky.appUrl,
  });
}

/**
 * What the configured networks say about their own limits, for the post skill: a Mastodon post
 * follows the configured instance's `GET /api/v2/instance` (read once per process, defaults when
 * it cannot be read); other networks publish none.
 */
export function networkLimitsFor(
  config: Config,
): (platform: PlatformName) => Promise<NetworkLimits | undefined> {
  return async (platform) => {
    const url = config.publish.mastodon.instanceUrl;
    if (platform !== "mastodon" || !url) return undefined;
    return (await instanceLimits(url, { timeoutMs: config.publish.timeoutMs })).limits;
  };
}
