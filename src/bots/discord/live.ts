import { ButtonStyle, ComponentType, RateLimitError, type REST, Routes } from "discord.js";
import type { LiveSurface } from "../live-reply.js";
import { sendFittingFiles } from "./refusals.js";
import { type DiscordFile, NO_PINGS } from "./shared.js";

/** The deferred interaction reply, as webhook routes name it. */
export const ORIGINAL = "@original";
/** Component ids carry only the action and the request id; the rest is in this process or Redis. */
export const STOP_PREFIX = "stop:";

export function stopRow(requestId: string) {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: "Stop",
        custom_id: `${STOP_PREFIX}${requestId}`,
      },
    ],
  };
}

/** How a message is created and edited: an interaction's webhook, or a channel. */
interface Routing {
  edit(id: string): `/${string}`;
  create(): `/${string}`;
  auth: boolean;
}

/**
 * A Discord answer drawn in place. Partial edits (`live`) go through `partial`, a REST queue that
 * refuses instead of waiting on a 429, so a dropped partial never delays the answer; the final
 * draw goes through the client's queue, which waits out rate limits. Files ride on the message
 * the LiveReply names; an upload Discord refuses as too large (40005) is sent without them and
 * a note says why, so the answer is never lost to the size of its picture.
 */
function surface(rest: REST, partial: REST, requestId: string, route: Routing): LiveSurface<DiscordFile[]> {
  const body = (text: string, live: boolean, files?: DiscordFile[]) => ({
    content: text,
    allowed_mentions: NO_PINGS,
    components: live ? [stopRow(requestId)] : [],
    ...(files
      ? { attachments: files.map((f, id) => ({ id, filename: f.name, description: f.description })) }
      : {}),
  });
  /** Sends with the files when there are any; refused as too large, without them and a note. */
  const withFiles = async <T>(
    send: (files: DiscordFile[] | undefined) => Promise<T>,
    files?: DiscordFile[],
  ) => {
    if (!files?.length) return send(undefined);
    const [sent] = await sendFittingFiles(
      (fit) => send(fit ? files : undefined),
      (note) =>
        rest.post(route.create(), {
          body: { content: note, allowed_mentions: NO_PINGS },
          auth: route.auth,
        }) as Promise<T>,
    );
    return sent as T;
  };
  return {
    async edit(id, text, o) {
      await withFiles(
        (files) =>
          (o.live ? partial : rest).patch(route.edit(id), {
            body: body(text, o.live, files),
            ...(files ? { files: files.map((f) => ({ name: f.name, data: f.data })) } : {}),
            auth: route.auth,
          }),
        o.attach,
      );
    },
    async append(text, o) {
      const sent = (await withFiles(
        (files) =>
          rest.post(route.create(), {
            body: body(text, o.live, files),
            ...(files ? { files: files.map((f) => ({ name: f.name, data: f.data })) } : {}),
            auth: route.auth,
          }),
        o.attach,
      )) as { id: string };
      return sent.id;
    },
    async remove(id) {
      await rest.delete(route.edit(id), { auth: route.auth }).catch(() => undefined);
    },
  };
}

/** The deferred reply of a slash command and its follow-ups, through the interaction's token. */
export function interactionSurface(
  rest: REST,
  partial: REST,
  i: { appId: string; token: string; requestId: string },
) {
  return surface(rest, partial, i.requestId, {
    edit: (id) =>
      id === ORIGINAL ? Routes.webhookMessage(i.appId, i.token) : Routes.webhookMessage(i.appId, i.token, id),
    create: () => Routes.webhook(i.appId, i.token),
    auth: false,
  });
}

/** A reply in a channel (a mention's answer) and its continuations, with the bot's token. */
export function channelSurface(rest: REST, partial: REST, c: { channelId: string; requestId: string }) {
  return surface(rest, partial, c.requestId, {
    edit: (id) => Routes.channelMessage(c.channelId, id),
    create: () => Routes.channelMessages(c.channelId),
    auth: true,
  });
}

/** How long a partial edit refused with a 429 says to wait (ms), else undefined. */
export function partialBackoff(err: unknown): number | undefined {
  return err instanceof RateLimitError ? err.retryAfter : undefined;
}
