import type { Message } from "discord.js";
import { isSurfaceError } from "../../core/surface.js";
import { logger } from "../../log.js";
import { conversationImages, leftOutNote, recentPhotoNote } from "../chain.js";
import { parseMessage } from "../commands.js";
import { type IncomingFile, isTextFile, sortFiles, unusedNote } from "../text-files.js";
import { homeChannel, refusal } from "./access.js";
import { mentionsBot, questionText, repliesToBot } from "./addressed.js";
import type { DiscordContext } from "./context.js";
import { recentPhoto, replyChain, threadStarter } from "./conversation.js";
import { captionNeeds, missing, missingSentence, needed } from "./permissions.js";
import { filesOf, isImage } from "./photos.js";
import { DiscordRefusal, refusalCode } from "./refusals.js";
import { memberRoles, NO_MENTIONS } from "./shared.js";

const WORKING = "Working on it…";

/**
 * Messages: a mention (or a DM) with photos and its reply chain becomes a request answered in a
 * reply with Stop; an image posted where auto-captions are on gets a caption, in the background.
 */
export function createMessageHandler(x: DiscordContext) {
  const { client, config, flow, producer, cdn } = x;
  const autocaption = producer.setting("discord:autocaption");

  /**
   * What the model sees besides the words: the reply chain's turns with their images (newest
   * first within the per-request limit), or, for a lone mention without an image, the asker's
   * photo posted just before; `note` says which photo, or how many were left out.
   */
  async function conversation(message: Message, images: IncomingFile[]) {
    const max = config.limits.maxImagesPerRequest;
    const botId = client.user?.id;
    const chain = await replyChain(message, { botId, depth: config.discord.historyDepth, cdn });
    // A question without a photo, in a thread started from one, is about that photo.
    const starter =
      images.length || chain.some((t) => t.files.length)
        ? undefined
        : await threadStarter(message, { botId, cdn });
    const turns = starter ? [starter, ...chain] : chain;
    const recent = images.length || turns.length ? undefined : await recentPhoto(message, config, cdn);
    const picked = conversationImages(turns, recent?.files ?? images, max);
    const note = recent ? recentPhotoNote(recent.ageMs, recent.files[0]?.name) : leftOutNote(picked, max);
    return { history: picked.history, refs: await x.store(picked.files), note };
  }

  /**
   * Tells the asker what the bot may not do here: in the channel when it may still send there,
   * otherwise (nothing can be said in the channel) a line in the log and, where their DMs are
   * open, a direct message. Once per message.
   */
  async function tellMissing(message: Message, lacking: string[]) {
    if (!(await producer.once(`discord:perm:${message.id}`))) return;
    const sentence = missingSentence(lacking);
    if (!lacking.some((p) => p.startsWith("Send"))) {
      await message.reply({ content: `⚠️ ${sentence}`, allowedMentions: NO_MENTIONS }).catch(() => undefined);
      return;
    }
    logger().warn(
      { channel: message.channelId, missing: lacking },
      "discord: no permission to answer a mention",
    );
    await message.author
      .send({ content: `⚠️ In <#${message.channelId}>: ${sentence}`, allowedMentions: NO_MENTIONS })
      .catch(() => undefined);
  }

  /** What the bot lacks in the message's channel to answer `command` there (nothing in a DM). */
  function lacking(message: Message, command: string): string[] {
    if (!message.inGuild() || !client.user) return [];
    return missing(
      message.channel.permissionsFor(client.user),
      needed({ command, thread: message.channel.isThread() }),
    );
  }

  /** What the bot lacks to post a caption in the message's channel. */
  function captionsBlocked(message: Message): string[] {
    if (!message.inGuild() || !client.user) return [];
    return missing(message.channel.permissionsFor(client.user), captionNeeds(config.discord.autocaptionIn));
  }

  const sendPermission = (m: Message) =>
    m.channel.isThread() ? "Send Messages in Threads" : "Send Messages";

  async function ask(message: Message, files: IncomingFile[]) {
    const requestId = `discord:${message.id}`;
    try {
      const sorted = sortFiles<IncomingFile>(files, { isImage, isText: isTextFile, name: (f) => f.name });
      const question = questionText(message, client.user?.id ?? "");
      // What the bot may not do here, judged from the message's own words before anything is posted.
      const cannot = lacking(message, parseMessage(question).command);
      if (cannot.length) return void (await tellMissing(message, cannot));
      // The reply (and typing) first: reading text files, the chain, downloading and decoding take a while.
      const place = { channel: message.channelId, replyTo: message.id };
      const opened = await flow.open({ requestId, place, asker: message.author.id, text: WORKING });
      if (!opened) return; // a repeat of an event still being handled
      const said = await x.readTexts(question, sorted.texts);
      const parsed = parseMessage(said.text);
      // A command that came in message.txt may need more than the message's words did.
      const more = lacking(message, parsed.command);
      if (more.length) return void (await flow.fail(requestId, `⚠️ ${missingSentence(more)}`));
      const unused = unusedNote([...sorted.unused, ...said.unused]);
      const { history, refs, note } = await conversation(message, sorted.images);
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
        reply: { ...place, ...(note ? { note } : {}), ...(unused ? { unused } : {}) },
      });
      if (result.duplicate) await flow.drop(requestId);
      else if (result.position > 1) flow.show(requestId, `You're #${result.position} in line…`);
    } catch (err) {
      // Discord refused the reply itself (50013): the same words as the check's, where they can go.
      if (isSurfaceError(err) && refusalCode(err.cause) === DiscordRefusal.MissingPermissions)
        return void (await tellMissing(message, [sendPermission(message)]));
      // The reply says what went wrong; without one, a reply to the message does (once).
      const said = x.failure(err);
      if (!(await flow.fail(requestId, said)) && (await producer.once(`discord:fail:${message.id}`)))
        await message.reply({ content: said, allowedMentions: NO_MENTIONS });
    }
  }

  async function caption(message: Message, images: IncomingFile[]) {
    if (
      !(
        config.discord.autocaptionChannels.includes(message.channelId) ||
        (await autocaption.has(message.channelId))
      )
    )
      return;
    // Captions it could not post are not made: a line in the log, once an hour per channel
    // (whoever switched them on was told at /autocaption; a busy channel must not flood the log).
    const cannot = captionsBlocked(message);
    if (cannot.length) {
      if (await producer.once(`discord:caption-perm:${message.channelId}`, 3600))
        logger().warn(
          { channel: message.channelId, missing: cannot },
          "discord: auto-captions on, but no permission to post them",
        );
      return;
    }
    try {
      // One caption per message, of its first image: the others are not fetched, so a message
      // with more images than a request may carry (or an unreadable later one) is still captioned.
      const refs = await x.store(images.slice(0, 1), { background: true });
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
      // The uploader hears why their photo got no caption, in a reply, once per message.
      if (await producer.once(`discord:fail:${message.id}`))
        await message
          .reply({ content: x.failure(err), allowedMentions: NO_MENTIONS })
          .catch((told) =>
            logger().warn({ err: told, message: message.id }, "auto-caption failure not told"),
          );
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
      // allowed role who asks it by name is told why nothing happens, and so is a DM (it is private).
      if ((mentioned && refused.by === "role") || refused.by === "dm")
        await message
          .reply({ content: `⚠️ ${refused.message}`, allowedMentions: NO_MENTIONS })
          .catch(() => undefined);
      return;
    }
    const files = filesOf(message, cdn);
    if (mentioned || !message.guildId) return ask(message, files);
    if (me && (await repliesToBot(message, me))) return ask(message, files);
    const images = files.filter(isImage);
    if (images.length) await caption(message, images);
  };
}
