import type { Client } from "discord.js";
import type { Config } from "../../config/schema.js";
import type { BlobRef, RequestInput } from "../../core/jobs.js";
import { isCodedError, newErrorId, userMessage } from "../../errors.js";
import { logger } from "../../log.js";
import type { Producer } from "../../queue/producer.js";
import type { Flow } from "../flow.js";
import { intakeImages, type RemoteFile } from "../intake.js";
import { type IncomingFile, withTextFiles } from "../text-files.js";

/** What the Discord parts (messages, slash commands, clicks) share: made once by startDiscord. */
export interface DiscordContext {
  client: Client;
  config: Config;
  producer: Producer;
  flow: Flow;
  /** Discord's file hosts (config.discord.cdnOrigins): nothing else is ever fetched. */
  cdn: string[];
  /** Attachments into blobs, downloaded only from Discord's CDN (`background`: an auto-caption's). */
  store(files: RemoteFile[], o?: { background?: boolean }): Promise<BlobRef[]>;
  /** The question with its small text files read into it (message.txt), and the files left out. */
  readTexts(question: string, files: IncomingFile[]): Promise<{ text: string; unused: string[] }>;
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
    cdn,
    // The declared attachment size is only a hint; the download enforces the cap while streaming.
    store: (files, x = {}) =>
      intakeImages(
        files.map((a) => ({ url: a.url, ...(a.name ? { name: a.name } : {}) })),
        { config: o.config, producer: o.producer, allowedOrigins: cdn, ...x },
      ),
    readTexts: (question, files) => withTextFiles(question, files, { config: o.config, allowedOrigins: cdn }),
    submit: (input) => o.producer.submit({ ...input, platform: "discord", createdAt: Date.now() }),
    failure(err) {
      const errorId = newErrorId();
      if (!(isCodedError(err) && err.userFacing)) logger().error({ err, errorId }, "discord request failed");
      return `⚠️ ${userMessage(err, errorId)}`;
    },
  };
}
