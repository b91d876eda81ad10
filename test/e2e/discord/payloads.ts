import { APP_ID, GUILD_ID } from "./stand-in.js";

/** Gateway payloads as Discord sends them, for the e2e tests and the benchmarks. */

export const HUMAN = {
  id: "500000000000000001",
  username: "alice",
  discriminator: "0",
  global_name: "alice",
  avatar: null,
  bot: false,
};

export type DiscordUser = typeof HUMAN;

/** INTERACTION_CREATE for a slash command from a guild member with every permission. */
export function slashCommand(o: {
  id: string;
  channel: string;
  name: string;
  options: unknown[];
  attachments?: Record<string, unknown>;
  user?: DiscordUser;
}) {
  return {
    id: o.id,
    application_id: APP_ID,
    type: 2,
    token: `token-${o.id}`,
    version: 1,
    guild_id: GUILD_ID,
    channel_id: o.channel,
    channel: { id: o.channel, type: 0, guild_id: GUILD_ID, name: "chan" },
    member: {
      user: o.user ?? HUMAN,
      roles: [],
      permissions: "2248473465835073",
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    },
    app_permissions: "2248473465835073",
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
    data: {
      id: "600000000000000001",
      name: o.name,
      type: 1,
      options: o.options,
      ...(o.attachments ? { resolved: { attachments: o.attachments } } : {}),
    },
  };
}
