import { unmaskLinks } from "../text.js";

/**
 * Model output as Slack mrkdwn that cannot ping or link anyone: &, < and > are escaped (so
 * `<!channel>`, `<@U123>` and `<#C123>` are inert text), Markdown emphasis becomes mrkdwn, and
 * Markdown links are never masked links: Slack shows the URL itself (see unmaskLinks).
 */
export function toMrkdwn(text: string): string {
  const escaped = unmaskLinks(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return (
    escaped
      // **bold** / __bold__ → *bold*
      .replace(/\*\*(.+?)\*\*/g, "*$1*")
      .replace(/__(.+?)__/g, "*$1*")
      // # Heading → *Heading*
      .replace(/^#{1,6}\s+(.+)$/gm, "*$1*")
      // Plain @channel/@here/@everyone cannot ping via the API (link_names is off), but a zero-width
      // joiner makes sure a copy-paste cannot either.
      .replace(/@(channel|here|everyone)\b/gi, "@\u200d$1")
  );
}
