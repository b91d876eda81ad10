import { MessageFlags } from "discord.js";
import { scheduledCard } from "../post-card.js";
import { cardThumbnails } from "../thumbnails.js";
import type { DiscordContext } from "./context.js";
import { listComponents } from "./list-render.js";
import { discordTime } from "./render.js";
import { NO_MENTIONS } from "./shared.js";

/**
 * /scheduled's message for a server (or a DM): the list with each post's thumbnail attached as a
 * small JPEG and its buttons. Drawn afresh for the command and after Publish now or Cancel on it.
 */
export async function scheduledList(x: DiscordContext, scopeId: string) {
  const card = scheduledCard(await x.flow.clicks.schedule.list(scopeId), discordTime);
  const thumbs = await cardThumbnails(card, x.producer.blobs);
  return {
    components: listComponents(card, thumbs) as never[],
    files: thumbs.map((t) => ({
      attachment: t.data,
      name: t.name,
      description: t.description.slice(0, 1024),
    })),
    allowedMentions: NO_MENTIONS,
    flags: MessageFlags.IsComponentsV2 as const,
  };
}
