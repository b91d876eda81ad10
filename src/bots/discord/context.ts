import type { Attachment, Client } from "discord.js";
import type { Config } from "../../config/schema.js";
import type { BlobRef, RequestInput } from "../../core/jobs.js";
import { isCodedError, newErrorId, userMessage } from "../../errors.js";
import { logger } from "../../log.js";
import type { Producer } from "../../queue/producer.js";
import type { Flow } from "../flow.js";
import { intakeImages } from "../intake.js";

/** What the Discord parts (messages, slash commands, clicks) share: made once by startDiscord. */
export interface DiscordContext {
  client: Client;
  config: Config;
  producer: Producer;
  flow: Flow;
  /** Attachments into blobs, downloaded only from Discord's CDN. */
  store(attachments: Attachment[]): Promise<BlobRef[]>;
  submit(input: Omit<RequestInput, "platform" | "createdAt">): ReturnType<Producer["submit"]>;
  /** The sentence a failure shows: friendly for what the user caused, with an error id otherwise. */
  failure(err: unknown): string;
}

export function discordContext(o: {
  client: Client;
  config: Config;
  producer: Producer;
  flow: Flow;
}): DiscordContext {
  const cdn = o.config.discord.cdnOrigins.map((u) => new URL(u).origin);
  return {
    ...o,
    // The declared attachment size is only a hint; the download enforces the cap while streaming.
    store: (attachments) =>
      intakeImages(
        attachments.map((a) => ({ url: a.url, name: a.name })),
        { config: o.config, producer: o.producer, allowedOrigins: cdn },
      ),
    submit: (input) => o.producer.submit({ ...input, platform: "discord", createdAt: Date.now() }),
    failure(err) {
      const errorId = newErrorId();
      if (!(isCodedError(err) && err.userFacing)) logger().error({ err, errorId }, "discord request failed");
      return `⚠️ ${userMessage(err, errorId)}`;
    },
  };
}
