import { type Client, MessageFlags, RateLimitError, type REST, Routes } from "discord.js";
import type { Outgoing, Place, Surface } from "../../core/surface.js";
import { SurfaceError } from "../../core/surface.js";
import { logger } from "../../log.js";
import type { Conversations } from "../../queue/conversations.js";
import { unmaskLinks } from "../text.js";
import { FILES_NOT_ALLOWED } from "./permissions.js";
import { DiscordRefusal, refusalCode, tokenGone, UPLOAD_TOO_LARGE } from "./refusals.js";
import { discordTime, render } from "./render.js";
import { DISCORD_LIMIT, NO_EMBEDS, NO_PINGS } from "./shared.js";

/** What an answer says when Discord refused its files, by the refusal's code. */
const FILES_REFUSED: Record<number, string> = {
  [DiscordRefusal.EntityTooLarge]: UPLOAD_TOO_LARGE,
  [DiscordRefusal.MissingPermissions]: FILES_NOT_ALLOWED,
};

/** The deferred interaction reply, as webhook routes name it. */
export const ORIGINAL = "@original";

/** How a message is created and edited: an interaction's webhook, or a channel with the bot's token. */
interface Routing {
  edit(id: string): `/${string}`;
  create(): `/${string}`;
  auth: boolean;
}

/**
 * Discord's side of the flow. A place with `interaction` is a slash command's (or click's) own
 * reply, reached through its token, read from Redis, so any replica can finish it; once the token
 * is gone, the flow is told (reply-gone) and answers in the channel. Partial edits go through
 * `partial`, a REST queue that refuses instead of waiting on a 429. An upload Discord refuses as
 * too large (40005), or for want of Attach Files (50013), goes without its files and a note says
 * why: no answer is lost to its picture. A post refused for want of Send Messages is place-gone.
 */
export function discordSurface(o: { client: Client; partial: REST; conversations: Conversations }): Surface {
  const rest = o.client.rest;

  async function routing(place: Place): Promise<Routing> {
    if (!place.interaction)
      return {
        edit: (id) => Routes.channelMessage(place.channel, id),
        create: () => Routes.channelMessages(place.channel),
        auth: true,
      };
    const secret = await o.conversations.secret(place.interaction);
    const appId = secret?.value.appId;
    const token = secret?.value.token;
    if (!appId || !token) throw new SurfaceError("reply-gone", "the interaction token has run out");
    return {
      edit: (id) =>
        id === ORIGINAL ? Routes.webhookMessage(appId, token) : Routes.webhookMessage(appId, token, id),
      create: () => Routes.webhook(appId, token),
      auth: false,
    };
  }

  /** Runs a request, turning Discord's refusals the flow can act on into SurfaceErrors. */
  async function call<T>(place: Place, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (place.interaction && tokenGone(err)) {
        await o.conversations.dropSecret(place.interaction);
        throw new SurfaceError("reply-gone", "Discord no longer knows the interaction token", err);
      }
      if (refusalCode(err) === DiscordRefusal.UnknownMessage)
        throw new SurfaceError("message-gone", "the message was deleted", err);
      if (refusalCode(err) === DiscordRefusal.MissingPermissions) {
        logger().warn(
          { channel: place.channel },
          "discord: missing permissions to post in a channel (50013)",
        );
        throw new SurfaceError("place-gone", "the bot may not post here", err);
      }
      throw err;
    }
  }

  /**
   * Sends with the files; refused as too large, or without Attach Files (50013), sends the words
   * alone and says why.
   */
  async function fitting<T>(r: Routing, out: Outgoing, send: (withFiles: boolean) => Promise<T>): Promise<T> {
    try {
      return await send(true);
    } catch (err) {
      const why = out.files?.length ? FILES_REFUSED[refusalCode(err) ?? 0] : undefined;
      if (!why) throw err;
      const sent = await send(false);
      await rest.post(r.create(), { body: { content: why, allowed_mentions: NO_PINGS }, auth: r.auth });
      return sent;
    }
  }

  const payload = (out: Outgoing, withFiles: boolean) => {
    const { body, files } = render(out, withFiles);
    return { body, ...(files.length ? { files: files.map((f) => ({ name: f.name, data: f.data })) } : {}) };
  };

  return {
    platform: "discord",
    limit: DISCORD_LIMIT,
    format: unmaskLinks,
    mention: (user) => `<@${user}>`,
    time: discordTime,

    async post(place, out) {
      const r = await routing(place);
      const reply =
        place.replyTo && !place.interaction
          ? { message_reference: { message_id: place.replyTo, fail_if_not_exists: false } }
          : {};
      const sent = await call(place, () =>
        fitting(r, out, async (withFiles) => {
          const p = payload(out, withFiles);
          return (await rest.post(r.create(), { ...p, body: { ...p.body, ...reply }, auth: r.auth })) as {
            id: string;
          };
        }),
      );
      return sent.id;
    },

    async edit(place, id, out, x) {
      const r = await routing(place);
      const via = x.partial ? o.partial : rest;
      const sent = await call(place, () =>
        fitting(
          r,
          out,
          async (withFiles) =>
            (await via.patch(r.edit(id), { ...payload(out, withFiles), auth: r.auth })) as
              | { id?: string }
              | undefined,
        ),
      );
      return sent?.id ?? id;
    },

    async remove(place, id) {
      const r = await routing(place);
      await rest.delete(r.edit(id), { auth: r.auth });
    },

    async ephemeral(place, user, text) {
      // Through a click's own token, a follow-up only the clicker sees; elsewhere Discord has no
      // private message in a channel, so it is said to them by name.
      if (place.interaction) {
        const r = await routing(place).catch(() => undefined);
        if (r) {
          await rest.post(r.create(), {
            body: { content: text, flags: MessageFlags.Ephemeral | NO_EMBEDS, allowed_mentions: NO_PINGS },
            auth: false,
          });
          return;
        }
      }
      await rest.post(Routes.channelMessages(place.channel), {
        body: { content: `<@${user}> ${text}`, allowed_mentions: NO_PINGS, flags: NO_EMBEDS },
      });
    },

    async typing(place) {
      // A command's own reply already shows "is thinking…"; a message's answer shows typing.
      if (!place.interaction) await rest.post(Routes.channelTyping(place.channel));
    },

    async notify(place, user, answer) {
      // The one message that may ping: only the asker, only because their answer came late.
      const r = await routing(place);
      const reply =
        place.interaction || answer.startsWith("@")
          ? {}
          : { message_reference: { message_id: answer, fail_if_not_exists: false } };
      await rest.post(r.create(), {
        body: {
          content: `<@${user}> your answer is ready.`,
          allowed_mentions: { parse: [], users: [user], replied_user: false },
          flags: NO_EMBEDS,
          ...reply,
        },
        auth: r.auth,
      });
    },

    async resolve(place, reply) {
      // An auto-caption may go into a thread on the photo's message, opened on first use.
      if (reply.mode !== "thread" || !place.replyTo) return place;
      const channel = await o.client.channels.fetch(place.channel).catch(() => null);
      if (!channel || !("messages" in channel)) return place;
      const original = await channel.messages.fetch(place.replyTo).catch(() => undefined);
      const thread = original?.hasThread
        ? original.thread
        : await original?.startThread({ name: "Caption" }).catch(() => undefined);
      return thread ? { channel: thread.id } : place;
    },
  };
}

/** How long a partial edit refused with a 429 says to wait (ms), else undefined. */
export function partialBackoff(err: unknown): number | undefined {
  return err instanceof RateLimitError ? err.retryAfter : undefined;
}
