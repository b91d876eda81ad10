import type { ChatInputCommandInteraction } from "discord.js";
import type { DeliveryJob } from "../../core/jobs.js";
import type { BlobStore } from "../../queue/blobs.js";

/** What one Discord message holds. */
export const DISCORD_LIMIT = 2000;
/** Interaction tokens live 15 minutes; after that the answer goes to the channel as a message. */
export const TOKEN_LIFETIME_MS = 14.5 * 60_000;
/** Model output may contain @everyone or <@id>; nothing we send may ever ping anyone: the REST shape… */
export const NO_PINGS = { parse: [] as never[], replied_user: false };
/** …and discord.js's. */
export const NO_MENTIONS = { parse: [] as never[], repliedUser: false };

export type DiscordFile = { name: string; data: Buffer; description: string };

/** A delivery's result images, read from the blob store, with their alt text. */
export function deliveryFiles(blobs: BlobStore, d: DeliveryJob): Promise<DiscordFile[]> {
  return Promise.all(
    d.images.map(async (img) => ({
      name: img.filename,
      data: await blobs.get(img.key),
      description: img.altText.slice(0, 1024),
    })),
  );
}

/** Role ids of an interaction's member, whether discord.js has it cached or only raw. */
export function memberRoles(member: ChatInputCommandInteraction["member"]): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}
