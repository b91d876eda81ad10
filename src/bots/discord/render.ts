import { ButtonStyle, ComponentType } from "discord.js";
import type { Card, CardButton, CardSelect, OutFile, Outgoing } from "../../core/surface.js";
import { splitMessage } from "../text.js";
import { DISCORD_LIMIT, NO_EMBEDS, NO_PINGS } from "./shared.js";

/**
 * Discord's rendering of what the flow says: words as `content`, a card as component rows (the
 * words of a card are the message's content), Stop as a button row, files with their alt text.
 */

/** Component ids carry only the action and the request id; the rest is in Redis. */
export const STOP_PREFIX = "stop:";

type Row = { type: ComponentType.ActionRow; components: unknown[] };

function button(b: CardButton, label = b.label) {
  return {
    type: ComponentType.Button,
    style: b.primary ? ButtonStyle.Success : ButtonStyle.Secondary,
    label,
    custom_id: b.id,
  };
}

function select(s: CardSelect): Row {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: s.id,
        placeholder: s.placeholder,
        options: s.options.slice(0, 25).map((o) => ({ value: o.value, label: o.label.slice(0, 100) })),
      },
    ],
  };
}

function stopRow(requestId: string): Row {
  const stop: CardButton = { type: "button", id: `${STOP_PREFIX}${requestId}`, label: "Stop" };
  return { type: ComponentType.ActionRow, components: [button(stop)] };
}

/**
 * Five rows, Discord's most: the card's buttons, one row per menu, and the sections' buttons
 * (Approve 1, Approve 2…). The buttons share one row when they fit in five; when the rows are still
 * too many, the menus go from the last (Approve is never the one left out).
 */
function cardRows(card: Card): Row[] {
  const buttons = card.actions.filter((a): a is CardButton => a.type === "button").map((b) => button(b));
  // Numbered after their item, since the rows are shared (a list card draws them with list-render.ts).
  const own = card.sections.flatMap((s, n) =>
    [...(s.button ? [s.button] : []), ...(s.buttons ?? [])].map((b) => button(b, `${b.label} ${n + 1}`)),
  );
  const buttonRows = (buttons.length + own.length <= 5 ? [[...own, ...buttons]] : [buttons, own.slice(0, 5)])
    .filter((r) => r.length)
    .map((components): Row => ({ type: ComponentType.ActionRow, components }));
  const menus = card.actions.filter((a): a is CardSelect => a.type === "select").map(select);
  return [...buttonRows.slice(0, 1), ...menus.slice(0, 5 - buttonRows.length), ...buttonRows.slice(1)];
}

/** An instant each reader sees in their own zone: the date and time, and how far away. */
export function discordTime(at: number): string {
  const s = Math.floor(at / 1000);
  return `<t:${s}:F> (<t:${s}:R>)`;
}

const OVERFLOW_NOTE = "\n… the whole post is in post.txt";

/**
 * A card's message holds 2,000 characters and its buttons must stay on it, so longer words show
 * their start (cut at a boundary) and come whole as post.txt, which Discord shows inline: nothing
 * a team would copy is ever cut.
 */
export function fitPost(text: string): { content: string; overflow?: OutFile } {
  if ([...text].length <= DISCORD_LIMIT) return { content: text };
  const start = splitMessage(text, DISCORD_LIMIT - [...OVERFLOW_NOTE].length)[0] ?? "";
  return {
    content: `${start}${OVERFLOW_NOTE}`,
    overflow: { name: "post.txt", data: Buffer.from(text, "utf8"), description: "The whole post" },
  };
}

/** A message body for Discord's REST routes, and the files to upload with it. */
export function render(out: Outgoing, withFiles = true): { body: Record<string, unknown>; files: OutFile[] } {
  // Where a post stands leads its words (it is already in Discord's markup: <t:…> for a time).
  const status = out.card?.status ? `${out.card.status.text}\n\n` : "";
  const fitted = out.card ? fitPost(status + out.text) : { content: out.text };
  const files = [...(withFiles ? (out.files ?? []) : []), ...(fitted.overflow ? [fitted.overflow] : [])];
  return {
    body: {
      content: fitted.content,
      allowed_mentions: NO_PINGS,
      flags: NO_EMBEDS,
      components: out.card ? cardRows(out.card) : out.stop ? [stopRow(out.stop)] : [],
      ...(files.length || (out.files?.length && !withFiles)
        ? {
            attachments: files.map((f, id) => ({
              id,
              filename: f.name,
              description: f.description.slice(0, 1024),
            })),
          }
        : {}),
    },
    files,
  };
}
