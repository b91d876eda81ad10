import type { App } from "@slack/bolt";
import { logger } from "../../log.js";
import type { SlackContext } from "./context.js";

const plain = (text: string) => ({ type: "plain_text" as const, text });
const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text });

/**
 * The app's Home tab, published when someone opens it: what the bot does, how to ask, and where
 * auto-captions are on. The Messages tab next to it is where people DM the bot.
 */
export function registerHome(app: App, x: SlackContext) {
  const { client, config, producer } = x;
  const autocaption = producer.setting("slack:autocaption");

  async function homeBlocks() {
    const channels = [
      ...new Set([...config.slack.autocaptionChannels, ...(await autocaption.members())]),
    ].sort();
    const commands = [
      "`/describe`",
      "`/ask <question>`",
      "`/ocr`",
      "`/edit <what to change>`",
      "`/post <network> <tone>`",
    ];
    if (config.imagegen.backend !== "none" && config.imagegen.url) commands.push("`/generate <prompt>`");
    return [
      { type: "header", text: plain("What I can do") },
      {
        type: "section",
        text: mrkdwn(
          "Mention me in a channel with a photo, or send me one in the *Messages* tab, and ask anything about it: I describe it, read its text, edit it and write social-media posts from it. Reply in the thread to keep talking about the same photo.",
        ),
      },
      {
        type: "section",
        text: mrkdwn(`*Commands* (on your latest photo in the channel): ${commands.join(", ")}`),
      },
      {
        type: "section",
        text: mrkdwn(
          channels.length
            ? `*Auto-captions* are on in ${channels.map((c) => `<#${c}>`).join(", ")}: every image posted there gets a caption and alt text.`
            : "*Auto-captions* are off everywhere. A workspace admin can switch them on in a channel with `/autocaption on`.",
        ),
      },
      {
        type: "context",
        elements: [mrkdwn("Message shortcuts on a photo: *Describe image* and *Make a post*.")],
      },
    ];
  }

  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    try {
      await client.views.publish({ user_id: event.user, view: { type: "home", blocks: await homeBlocks() } });
    } catch (err) {
      logger().warn({ err, user: event.user }, "slack home tab not published");
    }
  });
}
