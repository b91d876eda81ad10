import { logger } from "../../log.js";
import { originOf } from "../download.js";

/** Where Slack's response_urls point. */
const SLACK_HOOKS = "https://hooks.slack.com";

/**
 * Posts to a response_url only where Slack's are: its hooks host, or the origin of the configured
 * Web API (a stand-in or a proxy). The URL comes in a signed request, so this is a second line:
 * a leaked signing secret must not also make the bot post to any host it is handed.
 * Resolves with whether Slack took it; a refused host is logged and never contacted.
 */
export function responseUrlPoster(apiUrl: string | undefined) {
  const allowed = new Set([SLACK_HOOKS, ...(apiUrl ? [new URL(apiUrl).origin] : [])]);
  return async (url: string, body: object): Promise<boolean> => {
    const origin = originOf(url);
    if (!origin || !allowed.has(origin)) {
      logger().warn(
        { host: origin ?? "unreadable" },
        "slack: a response_url outside Slack's hosts, not used",
      );
      return false;
    }
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return res.ok;
  };
}
