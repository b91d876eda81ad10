import type { Card, CardButton, CardSelect, Outgoing } from "../../core/surface.js";
import { toMrkdwn } from "./format.js";

/**
 * Slack's rendering of what the flow says, as Block Kit: words in a section (a section holds
 * 3,000 characters, so every chunk stays within it), Stop as a button under them, a card as a
 * title, a section per item with its button, context lines and an actions row. Model text goes
 * through toMrkdwn, so it cannot ping or link anyone.
 */

/** A section block holds at most 3,000 characters: live messages, and so every chunk, stay within it. */
export const SLACK_CHUNK = 3000;
const SECTION = 2900;

/** Nothing the bot posts pings anyone or unfolds previews of links the model wrote. */
export const COMMON = { unfurl_links: false, unfurl_media: false, link_names: false } as const;

const plain = (text: string) => ({ type: "plain_text" as const, text: text.slice(0, 75) });
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The text with a Stop button under it; the button's value is only the request id. */
function stopBlocks(text: string, requestId: string) {
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "actions",
      elements: [{ type: "button", action_id: "stop", value: requestId, text: plain("Stop") }],
    },
  ];
}

function button(b: CardButton) {
  return {
    type: "button",
    action_id: b.id,
    text: plain(b.label),
    ...(b.primary ? { style: "primary" } : {}),
  };
}

function select(s: CardSelect) {
  return {
    type: "static_select",
    action_id: s.id,
    placeholder: plain(s.placeholder),
    options: s.options.slice(0, 100).map((o) => ({ value: o.value, text: plain(o.label) })),
  };
}

/** A card as blocks; `text` (already mrkdwn) leads a card that has no title of its own (Retry). */
function cardBlocks(card: Card, text: string) {
  return [
    {
      type: "section",
      text: { type: "mrkdwn", text: card.title ? `*${toMrkdwn(card.title)}*` : cut(text, SECTION) },
    },
    // Where a post stands, already in Slack's markup (<!date^…> for a time): drawn as it is.
    ...(card.status
      ? [{ type: "section", text: { type: "mrkdwn", text: cut(card.status.text, SECTION) } }]
      : []),
    ...card.sections.flatMap((s) => [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: cut(`${toMrkdwn(s.text)}${s.footer ? `\n_${toMrkdwn(s.footer)}_` : ""}`, SECTION),
        },
        ...(s.button ? { accessory: button(s.button) } : {}),
      },
      // An image needs a URL Slack can fetch, and the bot's photos are not public (the blob store
      // serves no one, and the Slack upload's file id is not kept), so a thumbnail is named, not shown.
      ...(s.thumbnail
        ? [
            {
              type: "context",
              elements: [{ type: "mrkdwn", text: cut(`🖼 ${toMrkdwn(s.thumbnail.description)}`, 300) }],
            },
          ]
        : []),
      ...(s.buttons?.length ? [{ type: "actions", elements: s.buttons.map(button) }] : []),
    ]),
    ...card.notes.map((n) => ({
      type: "context",
      elements: [{ type: "mrkdwn", text: cut(toMrkdwn(n.text), SECTION) }],
    })),
    ...(card.actions.length
      ? [
          {
            type: "actions",
            elements: card.actions.map((a) => (a.type === "button" ? button(a) : select(a))),
          },
        ]
      : []),
  ];
}

/** chat.postMessage / chat.update fields for a message: `text` is what notifications show. */
/** An instant each reader sees in their own zone; the fallback (UTC) is for clients that cannot. */
export function slackTime(at: number): string {
  const fallback = `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(at / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

export function render(out: Outgoing): { text: string; blocks: unknown[] } {
  if (out.card?.title) return { text: toMrkdwn(out.card.title), blocks: cardBlocks(out.card, "") };
  // Words arrive formatted by the flow (toMrkdwn): drawn as they are.
  if (out.card) return { text: out.text, blocks: cardBlocks(out.card, out.text) };
  if (out.stop) return { text: out.text, blocks: stopBlocks(out.text, out.stop) };
  return { text: out.text, blocks: [] };
}
