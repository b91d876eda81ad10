/** What both adapters tell a person when the bot's configuration decides, worded once. */

/** A command from a channel outside the allowlist (Discord's and Slack's `allowedChannels`). */
export const NOT_ENABLED_HERE = "I'm not enabled in this channel.";

/** `/autocaption off` where the configuration (`setting`, e.g. slack.autocaptionChannels) captions. */
export function captionedByConfig(setting: string): string {
  return `Auto-captions are on for this channel in the bot's configuration (${setting}), so they can't be switched off here. Ask whoever runs the bot to remove the channel there.`;
}
