/**
 * bench:soak's Discord traffic: real gateway payloads through the stand-in to the bot's real
 * discord.js client. Mentions, slash commands (describe, ocr, edit, post with a refinement and an
 * approval), Stop clicks, uploads in an auto-caption channel, and bad inputs.
 */

import { componentClick, memberMessage, slashCommand } from "../../test/e2e/discord/payloads.js";
import { BOT_ID, startDiscordStandIn } from "../../test/e2e/discord/stand-in.js";
import type { Photo } from "./photos.js";
import type { Outcome, Tracked } from "./track.js";

const DISCORD_CHANNEL = "400000000000000011";
export const DISCORD_AUTOCAPTION = "400000000000000012";

type Message = Record<string, unknown> & { id: string; content?: string; components?: unknown[] };

/** Every custom id of a message's buttons and menus. */
function componentIds(m: Message): string[] {
  const ids: string[] = [];
  const walk = (c: unknown) => {
    if (!c || typeof c !== "object") return;
    const o = c as { custom_id?: string; components?: unknown[] };
    if (o.custom_id) ids.push(o.custom_id);
    for (const x of o.components ?? []) walk(x);
  };
  for (const c of m.components ?? []) walk(c);
  return ids;
}

export async function discordTraffic() {
  const stand = await startDiscordStandIn([DISCORD_CHANNEL, DISCORD_AUTOCAPTION]);
  let people = 0;
  const person = () => stand.user(`5${String(++people % 40).padStart(17, "0")}`, `member${people % 40}`);
  /** Post cards already clicked, by interaction id: shorter, then approve. */
  const clicked = new Map<string, number>();

  function attach(photo: Photo) {
    return stand.attachment(stand.nextId(), photo.name, photo.bytes, photo.type);
  }

  /** The bot's messages for a request: a slash command's reply and follow-ups, or replies to a message. */
  function messagesOf(t: Tracked): Message[] {
    if (t.key.startsWith("token-")) return stand.interactionMessages(t.key) as Message[];
    const [channel, id] = t.key.split("/");
    return (stand.messagesIn(channel ?? "") as Message[]).filter(
      (m) => (m.message_reference as { message_id?: string } | undefined)?.message_id === id,
    );
  }

  function outcome(t: Tracked): Outcome {
    const msgs = messagesOf(t);
    const live = msgs.some((m) => componentIds(m).some((id) => id.startsWith("stop:")));
    const progress = msgs.some((m) => /^(Working on it|You're #\d+ in line|⏳)/.test(m.content ?? ""));
    return {
      done: msgs.length > 0 && !live && !progress,
      answers: msgs.map((m) => m.content ?? "").filter((c) => c.trim()),
    };
  }

  /** When Discord got the interaction's acknowledgement, after `sentAt`. */
  function ackMs(t: Tracked): number | undefined {
    if (!t.key.startsWith("token-")) return undefined;
    const id = t.key.slice("token-".length);
    const r = stand.requests.find((x) => x.path.startsWith(`/interactions/${id}/`));
    return r ? r.at - t.sentAt : undefined;
  }

  function slash(kind: string, photo: Photo, extra: { name: string; type: number; value: string }[] = []) {
    const id = stand.nextId();
    const att = attach(photo);
    const t: Tracked = {
      platform: "discord",
      kind,
      key: `token-${id}`,
      sentAt: Date.now(),
      bad: !!photo.bad,
    };
    stand.dispatch(
      "INTERACTION_CREATE",
      slashCommand({
        id,
        channel: DISCORD_CHANNEL,
        name: kind,
        user: person(),
        options: [{ name: "image", type: 11, value: att.id }, ...extra],
        attachments: { [att.id]: att },
      }),
    );
    return t;
  }

  function message(kind: string, channel: string, photo: Photo, content: string, mention: boolean) {
    const id = stand.nextId();
    const t: Tracked = {
      platform: "discord",
      kind,
      key: `${channel}/${id}`,
      sentAt: Date.now(),
      bad: !!photo.bad,
    };
    stand.dispatch(
      "MESSAGE_CREATE",
      memberMessage({
        id,
        channel,
        content,
        attachments: [attach(photo)],
        author: person(),
        mentionBot: mention,
      }),
    );
    return t;
  }

  function click(messageId: string, customId: string) {
    stand.dispatch(
      "INTERACTION_CREATE",
      componentClick({ id: stand.nextId(), channel: DISCORD_CHANNEL, messageId, customId }),
    );
  }

  return {
    stand,
    outcome,
    ackMs,
    send(kind: string, photo: Photo): Tracked {
      switch (kind) {
        case "mention":
          return message(kind, DISCORD_CHANNEL, photo, `<@${BOT_ID}> what is in this photo?`, true);
        case "autocaption":
          return message(kind, DISCORD_AUTOCAPTION, photo, "", false);
        case "edit":
          return slash(kind, photo, [{ name: "edits", type: 3, value: "make it warmer and crop it square" }]);
        case "post":
          return slash(kind, photo, [{ name: "platform", type: 3, value: "instagram" }]);
        default:
          return slash(kind, photo);
      }
    },
    /**
     * The clicks people make on what came back: Stop on a reply still being written (any
     * request, at random), and on a post card Shorter, then Approve on its first caption.
     */
    clickAround(sent: Tracked[]): number {
      let clicks = 0;
      for (const t of sent) {
        const msgs = messagesOf(t);
        const stop = msgs.flatMap((m) =>
          componentIds(m)
            .filter((id) => id.startsWith("stop:"))
            .map((id) => ({ m, id })),
        );
        if (stop[0] && Math.random() < 0.1) {
          click(stop[0].m.id, stop[0].id);
          clicks++;
        }
        if (t.kind !== "post") continue;
        const step = clicked.get(t.key) ?? 0;
        const card = msgs.find((m) => componentIds(m).some((id) => id.endsWith(":approve-1")));
        if (!card || step >= 2) continue;
        const edited = String(card.edited_timestamp ?? "");
        // One click at a time: Approve only after Shorter's new card has been drawn.
        if (step === 1 && edited === String(card.soakShorterAt ?? "")) continue;
        const id = componentIds(card).find((c) => c.endsWith(step === 0 ? ":shorter" : ":approve-1"));
        if (!id) continue;
        card.soakShorterAt = edited;
        click(card.id, id);
        clicked.set(t.key, step + 1);
        clicks++;
      }
      return clicks;
    },
    close: () => stand.close(),
  };
}
