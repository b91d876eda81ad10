import type { Attachment, Message } from "discord.js";
import { logger } from "../../log.js";
import { conversationImages, leftOutNote, recentPhotoNote } from "../chain.js";
import { parseMessage } from "../commands.js";
import { homeChannel, refusal } from "./access.js";
import { mentionsBot, questionText, repliesToBot } from "./addressed.js";
import type { DiscordContext } from "./context.js";
import { isImage, recentPhoto, replyChain } from "./conversation.js";
import { memberRoles, NO_MENTIONS } from "./shared.js";

const WORKING = "Working on it…";

/**
 * Messages: a mention (or a DM) with photos and its reply chain becomes a request answered in a
 * reply with Stop; an image posted where auto-captions are on gets a caption, in the background.
 */
export function createMessageHandler(x: DiscordContext) {
  const { client, config, flow, producer } = x;
  const autocaption = producer.setting("discord:autocaption");

  /**
   * What the model sees besides the words: the reply chain's turns with their images (newest
   * first within the per-request limit), or, for a lone mention without an image, the asker's
   * photo posted just before; `note` says which photo, or how many were left out.
   */
  async function conversation(message: Message, images: Attachment[]) {
    const max = config.limits.maxImagesPerRequest;
    const chain = await replyChain(message, { botId: client.user?.id, depth: config.discord.historyDepth });
    const recent = images.length || chain.length ? undefined : await recentPhoto(message, config);
    const picked = conversationImages(chain, recent?.files ?? images, max);
    const note = recent ? recentPhotoNote(recent.ageMs, recent.files[0]?.name) : leftOutNote(picked, max);
    return { history: picked.history, refs: await x.store(picked.files), note };
  }

  async function ask(message: Message, images: Attachment[]) {
    const requestId = `discord:${message.id}`;
    try {
      const parsed = parseMessage(questionText(message, client.user?.id ?? ""));
      const { history, refs, note } = await conversation(message, images);
      const place = { channel: message.channelId, replyTo: message.id };
      const opened = await flow.open({ requestId, place, asker: message.author.id, text: WORKING });
      if (!opened) return; // a repeat of an event still being handled
      const result = await x.submit({
        requestId,
        priority: "interactive",
        command: parsed.command,
        args: parsed.args,
        text: parsed.text,
        images: refs,
        history,
        user: { id: message.author.id, name: message.author.username.slice(0, 100) },
        scope: {
          id: message.guildId ?? `dm:${message.author.id}`,
          channelId: message.channelId,
          messageId: message.id,
        },
        reply: { ...place, ...(note ? { note } : {}) },
      });
      if (result.duplicate) await flow.drop(requestId);
      else if (result.position > 1) flow.show(requestId, `You're #${result.position} in line…`);
    } catch (err) {
      // The reply says what went wrong; without one, a reply to the message does (once).
      const said = x.failure(err);
      if (!(await flow.fail(requestId, said)) && (await producer.once(`discord:fail:${message.id}`)))
        await message.reply({ content: said, allowedMentions: NO_MENTIONS });
    }
  }

  async function caption(message: Message, images: Attachment[]) {
    if (
      !(
        config.discord.autocaptionChannels.includes(message.channelId) ||
        (await autocaption.has(message.channelId))
      )
    )
      return;
    try {
      // One caption per message, of its first image: the others are not fetched, so a message
      // with more images than a request may carry (or an unreadable later one) is still captioned.
      const refs = await x.store(images.slice(0, 1));
      await x.submit({
        requestId: `discord:caption:${message.id}`, // one caption per message, however often the event repeats
        priority: "background",
        command: "caption",
        images: refs,
        user: { id: message.author.id },
        scope: { id: message.guildId ?? "dm", channelId: message.channelId, messageId: message.id },
        reply: { channel: message.channelId, replyTo: message.id, mode: config.discord.autocaptionIn },
      });
    } catch (err) {
      logger().info({ err: (err as Error).message, message: message.id }, "auto-caption skipped a message");
    }
  }

  return async function onMessage(message: Message) {
    if (message.author.bot || message.webhookId) return; // never answer bots, ourselves included
    const me = client.user?.id;
    const mentioned = Boolean(me && mentionsBot(message, me));
    const refused = refusal(
      config,
      message.guildId,
      homeChannel(message.channel, message.channelId),
      memberRoles(message.member),
    );
    if (refused) {
      // Where the bot is not enabled it stays quiet; in a channel it serves, a member without an
      // allowed role who asks it by name is told why nothing happens.
      if (mentioned && refused.by === "role")
        await message
          .reply({ content: `⚠️ ${refused.message}`, allowedMentions: NO_MENTIONS })
          .catch(() => undefined);
      return;
    }
    const images = [...message.attachments.values()].filter(isImage);
    if (mentioned || !message.guildId) return ask(message, images);
    if (me && (await repliesToBot(message, me))) return ask(message, images);
    if (images.length) await caption(message, images);
  };
}
