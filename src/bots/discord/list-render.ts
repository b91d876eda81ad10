import { ButtonStyle, ComponentType } from "discord.js";
import type { Card, CardSection } from "../../core/surface.js";
import type { Thumbnail } from "../thumbnails.js";

/**
 * A card whose items each carry their own buttons (/scheduled) as Discord's layout components:
 * per item its words with its thumbnail beside them, and its buttons right under it, so nobody
 * has to match "Cancel 3" to the third line. Five items use 36 of the 40 components a message
 * holds. The thumbnails are the message's attachments, referenced by name.
 */

function text(content: string) {
  return { type: ComponentType.TextDisplay, content };
}

function item(s: CardSection, thumb: Thumbnail | undefined) {
  const words = text(`${s.text}${s.footer ? `\n-# ${s.footer}` : ""}`);
  const row = {
    type: ComponentType.ActionRow,
    components: (s.buttons ?? []).map((b) => ({
      type: ComponentType.Button,
      style: b.primary ? ButtonStyle.Primary : ButtonStyle.Secondary,
      label: b.label.slice(0, 80),
      custom_id: b.id,
    })),
  };
  const shown = thumb
    ? {
        type: ComponentType.Section,
        components: [words],
        accessory: {
          type: ComponentType.Thumbnail,
          media: { url: `attachment://${thumb.name}` },
          description: thumb.description.slice(0, 1024),
        },
      }
    : words;
  return row.components.length ? [shown, row] : [shown];
}

/** The components of a list card (sent with the IsComponentsV2 flag, and no content). */
export function listComponents(card: Card, thumbs: readonly Thumbnail[]): unknown[] {
  return [
    text(`**${card.title}**`),
    ...card.sections.flatMap((s, n) =>
      item(
        s,
        thumbs.find((t) => t.section === n),
      ),
    ),
    ...card.notes.map((note) => text(`-# ${note.text}`)),
  ];
}
