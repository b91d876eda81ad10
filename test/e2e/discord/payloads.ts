import { PermissionFlagsBits } from "discord.js";
import { colourPhoto, type SWATCHES } from "../../helpers/images.js";
import { APP_ID, BOT_ID, GUILD_ID, type startDiscordStandIn } from "./stand-in.js";
import { EVERYONE_PERMISSIONS } from "./stand-in-gateway.js";

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

/** The bot as Discord shows it: the author of its messages, the user a mention names. */
export const BOT_USER = {
  id: BOT_ID,
  username: "llava-bot",
  discriminator: "0",
  bot: true,
  avatar: null,
  global_name: null,
};

/** Every permission, as a guild owner has them; "1024" is a plain member's (view channel). */
export const ALL_PERMISSIONS = EVERYONE_PERMISSIONS;

/** What every interaction from a guild member carries, slash command or click. */
function fromMember(
  id: string,
  channel: string,
  o: { user?: DiscordUser; roles?: string[]; permissions?: string; appPermissions?: string } = {},
) {
  return {
    id,
    application_id: APP_ID,
    token: `token-${id}`,
    version: 1,
    guild_id: GUILD_ID,
    channel_id: channel,
    channel: { id: channel, type: 0, guild_id: GUILD_ID, name: "chan" },
    member: {
      user: o.user ?? HUMAN,
      roles: o.roles ?? [],
      permissions: o.permissions ?? ALL_PERMISSIONS,
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    },
    // What the bot may do in the channel, as Discord computes it for the interaction.
    app_permissions: o.appPermissions ?? ALL_PERMISSIONS,
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
  };
}

/** INTERACTION_CREATE for a slash command. */
export function slashCommand(o: {
  id: string;
  channel: string;
  name: string;
  options: unknown[];
  attachments?: Record<string, unknown>;
  user?: DiscordUser;
  roles?: string[];
  permissions?: string;
  appPermissions?: string;
}) {
  return {
    ...fromMember(o.id, o.channel, o),
    type: 2,
    data: {
      id: "600000000000000001",
      name: o.name,
      type: 1,
      options: o.options,
      ...(o.attachments ? { resolved: { attachments: o.attachments } } : {}),
    },
  };
}

/**
 * INTERACTION_CREATE for `/autocaption on` by a moderator (Manage Channels) in a channel where
 * the bot has every permission but `missing`.
 */
export function autocaptionOn(o: { id: string; channel: string; missing: bigint }) {
  return slashCommand({
    id: o.id,
    channel: o.channel,
    name: "autocaption",
    options: [{ name: "mode", type: 3, value: "on" }],
    permissions: String(BigInt(ALL_PERMISSIONS) | PermissionFlagsBits.ManageChannels),
    appPermissions: String(BigInt(ALL_PERMISSIONS) & ~o.missing),
  });
}

/**
 * INTERACTION_CREATE for /describe of a photo of one colour, served by the stand-in's CDN under an
 * attachment id made from the interaction's.
 */
export async function describePhoto(
  stand: Pick<Awaited<ReturnType<typeof startDiscordStandIn>>, "attachment">,
  o: { id: string; channel: string; colour: keyof typeof SWATCHES; roles?: string[] },
) {
  const att = stand.attachment(`7${o.id.slice(1)}`, `${o.colour}.png`, await colourPhoto(o.colour));
  return slashCommand({
    id: o.id,
    channel: o.channel,
    name: "describe",
    options: [{ name: "image", type: 11, value: att.id }],
    attachments: { [att.id]: att },
    ...(o.roles ? { roles: o.roles } : {}),
  });
}

/** INTERACTION_CREATE for a click on a component of one of the bot's messages. */
export function componentClick(o: {
  id: string;
  channel: string;
  messageId: string;
  customId: string;
  user?: DiscordUser;
  roles?: string[];
  permissions?: string;
  values?: string[];
  /** The clicked message's flags (64: an ephemeral one, such as /scheduled's list). */
  flags?: number;
}) {
  return {
    ...fromMember(o.id, o.channel, o),
    type: 3,
    message: { ...botMessage(o.messageId, o.channel), ...(o.flags ? { flags: o.flags } : {}) },
    data: o.values
      ? { custom_id: o.customId, component_type: 3, values: o.values }
      : { custom_id: o.customId, component_type: 2 },
  };
}

/**
 * INTERACTION_CREATE for the submit of a modal (type 5, MODAL_SUBMIT) opened from a click on
 * message `messageId`: what was typed into each text input, by its custom_id, inside the Label
 * components (type 18) the modal showed.
 */
export function modalSubmit(o: {
  id: string;
  channel: string;
  messageId: string;
  customId: string;
  typed: Record<string, string>;
  user?: DiscordUser;
  roles?: string[];
  /** The message's flags (64: an ephemeral one, such as /scheduled's list). */
  flags?: number;
}) {
  return {
    ...fromMember(o.id, o.channel, { ...o, permissions: "1024" }),
    type: 5,
    message: { ...botMessage(o.messageId, o.channel), ...(o.flags ? { flags: o.flags } : {}) },
    data: {
      custom_id: o.customId,
      components: Object.entries(o.typed).map(([customId, value], n) => ({
        type: 18,
        id: 2 * n + 1,
        component: { type: 4, id: 2 * n + 2, custom_id: customId, value },
      })),
    },
  };
}

/** One of the bot's messages as an interaction on it carries it. */
function botMessage(id: string, channel: string) {
  return { id, channel_id: channel, author: BOT_USER, ...messageBody({ content: "" }), components: [] };
}

/** The fields every message payload carries, around its content, mentions and attachments. */
function messageBody(o: { content: string; mentions?: unknown[]; attachments?: unknown[] }) {
  return {
    content: o.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: o.mentions ?? [],
    mention_roles: [],
    attachments: o.attachments ?? [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
  };
}

/** MESSAGE_CREATE for a guild member's message; `mentionBot` names the bot in its mentions. */
export function memberMessage(o: {
  id: string;
  channel: string;
  content: string;
  attachments?: unknown[];
  author?: DiscordUser;
  roles?: string[];
  mentionBot?: boolean;
}) {
  return {
    id: o.id,
    channel_id: o.channel,
    guild_id: GUILD_ID,
    author: o.author ?? HUMAN,
    member: { roles: o.roles ?? [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
    ...messageBody({
      content: o.content,
      mentions: o.mentionBot ? [BOT_USER] : [],
      attachments: o.attachments ?? [],
    }),
  };
}

/** MESSAGE_CREATE for a direct message to the bot: no guild, no member, channel_type 1. */
export function directMessage(o: {
  id: string;
  channel: string;
  content: string;
  attachments?: unknown[];
  author?: DiscordUser;
}) {
  return {
    id: o.id,
    channel_id: o.channel,
    channel_type: 1,
    author: o.author ?? HUMAN,
    ...messageBody({ content: o.content, attachments: o.attachments ?? [] }),
  };
}
