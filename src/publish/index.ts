import type { Config } from "../config/schema.js";
import type { Secrets } from "../config/secrets.js";
import type { NetworkLimits, PlatformName } from "../core/post-state.js";
import { blueskyPublisher } from "./bluesky.js";
import { notConfigured } from "./errors.js";
import { instanceFor, instanceLimits } from "./instance.js";
import { linkedinPublisher } from "./linkedin.js";
import { mastodonPublisher } from "./mastodon.js";
import { pixelfedPublisher } from "./pixelfed.js";
import { PUBLISH_TARGETS, type Publisher, type PublishTarget } from "./port.js";

export { publishOnce } from "./once.js";
export * from "./port.js";
export { filePublishStore, redisPublishStore } from "./store.js";

/**
 * What each target needs: the setting that names its account (without it the target is off) and
 * the secret that lets us post (which may live only with the engines).
 */
function needs(
  target: PublishTarget,
  config: Config,
  secrets: Secrets,
): [setting: [string, unknown], secret: [string, unknown]] {
  const p = config.publish;
  switch (target) {
    case "mastodon":
      return [
        ["publish.mastodon.instanceUrl", p.mastodon.instanceUrl],
        ["MASTODON_ACCESS_TOKEN", secrets.mastodonAccessToken],
      ];
    case "bluesky":
      return [
        ["publish.bluesky.handle", p.bluesky.handle],
        ["BLUESKY_APP_PASSWORD", secrets.blueskyAppPassword],
      ];
    case "pixelfed":
      return [
        ["publish.pixelfed.instanceUrl", p.pixelfed.instanceUrl],
        ["PIXELFED_ACCESS_TOKEN", secrets.pixelfedAccessToken],
      ];
    case "linkedin":
      return [
        ["publish.linkedin.author", p.linkedin.author],
        ["LINKEDIN_ACCESS_TOKEN", secrets.linkedinAccessToken],
      ];
  }
}

/** What is missing before a target can publish, or undefined when it is ready. */
function missing(target: PublishTarget, config: Config, secrets: Secrets): string | undefined {
  const gaps = needs(target, config, secrets)
    .filter(([, value]) => !value)
    .map(([name]) => name);
  return gaps.length ? `set ${gaps.join(" and ")}` : undefined;
}

/**
 * Targets whose account the configuration names (the tokens may live only with the engines): an
 * approval of a post for one of them is meant to publish, so only an approver may give it.
 */
export function accountTargets(config: Config): PublishTarget[] {
  return PUBLISH_TARGETS.filter((t) => Boolean(needs(t, config, {})[0][1]));
}

/** Targets with an account configured. */
export function configuredTargets(config: Config, secrets: Secrets): PublishTarget[] {
  return PUBLISH_TARGETS.filter((t) => !missing(t, config, secrets));
}

/** The publisher for a target, or a PublishError saying what to set. Credentials stay inside it. */
export function createPublisher(target: PublishTarget, config: Config, secrets: Secrets): Publisher {
  const gap = missing(target, config, secrets);
  if (gap) throw notConfigured(target, gap);
  const { mastodon, bluesky, pixelfed, linkedin, timeoutMs } = config.publish;
  switch (target) {
    case "mastodon":
      return mastodonPublisher({
        instanceUrl: mastodon.instanceUrl as string,
        accessToken: secrets.mastodonAccessToken as string,
        visibility: mastodon.visibility,
        timeoutMs,
      });
    case "bluesky":
      return blueskyPublisher({
        service: bluesky.service,
        identifier: bluesky.handle as string,
        password: secrets.blueskyAppPassword as string,
        timeoutMs,
        appUrl: bluesky.appUrl,
      });
    case "pixelfed":
      return pixelfedPublisher({
        instanceUrl: pixelfed.instanceUrl as string,
        accessToken: secrets.pixelfedAccessToken as string,
        visibility: pixelfed.visibility,
        timeoutMs,
      });
    case "linkedin":
      return linkedinPublisher({
        apiUrl: linkedin.apiUrl,
        accessToken: secrets.linkedinAccessToken as string,
        author: linkedin.author as string,
        version: linkedin.version,
        uploadOrigins: linkedin.uploadOrigins,
        timeoutMs,
      });
  }
}

/**
 * What the configured networks say about their own limits, for the post skill: a Mastodon or
 * Pixelfed post follows the configured instance's `GET /api/v2/instance` (read once per process,
 * defaults when it cannot be read); other networks publish none.
 */
export function networkLimitsFor(
  config: Config,
): (platform: PlatformName) => Promise<NetworkLimits | undefined> {
  return async (platform) => {
    const url = instanceFor(platform, config);
    if (!url) return undefined;
    return (await instanceLimits(url, { timeoutMs: config.publish.timeoutMs })).limits;
  };
}
