import { type ChatInputCommandInteraction, MessageFlags, PermissionFlagsBits } from "discord.js";
import type { Config } from "../../config/schema.js";
import type { CommandName } from "../../core/jobs.js";
import { isPersonalRefusal } from "../../errors.js";
import { captionedByConfig } from "../access.js";
import { homeChannel, refusal } from "./access.js";
import type { DiscordContext } from "./context.js";
import { captionNeeds, captionsMissingSentence, missing, missingSentence, needed } from "./permissions.js";
import { acknowledge } from "./refusals.js";
import { scheduledList } from "./scheduled.js";
import { memberRoles, NO_MENTIONS, TOKEN_LIFETIME_MS } from "./shared.js";
import { ORIGINAL } from "./surface.js";

/**
 * What the bot lacks in the channel to answer this command (the interaction carries its
 * permissions there), said before any work: an image it may not attach would be wasted, and
 * auto-captions it could not post are not switched on.
 */
function cannotAnswer(i: ChatInputCommandInteraction, config: Config): string | undefined {
  // Turning captions on is answered in the command's reply, but the captions are messages of their own.
  if (i.commandName === "autocaption") {
    if (i.options.getString("mode") !== "on") return undefined;
    const lacking = missing(i.appPermissions, captionNeeds(config.discord.autocaptionIn));
    return lacking.length ? captionsMissingSentence(lacking) : undefined;
  }
  const lacking = missing(
    i.appPermissions,
    needed({ command: i.commandName, thread: false, interaction: true }),
  );
  return lacking.length ? missingSentence(lacking) : undefined;
}

/** Options a slash command may carry, passed on to the skill as they are. */
const STRING_ARGS = ["platform", "tone", "look", "aspect", "edits"] as const;

/**
 * Slash commands: refused at once (for the member's eyes only) when an allowlist keeps them out,
 * otherwise acknowledged within Discord's 3 s before anything slow, queued, and answered in the
 * command's own reply. Its token goes to Redis with its 15 minutes (from arrival), never into job
 * data, so whichever replica takes the delivery edits that reply.
 */
export function createSlashHandler(x: DiscordContext) {
  const { client, config, flow, producer } = x;
  const autocaption = producer.setting("discord:autocaption");

  /** A plain channel message: where answers go when an interaction token cannot be used. */
  async function sendToChannel(channelId: string, content: string) {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isTextBased() || !("send" in channel))
      throw new Error(`cannot post to channel ${channelId}`);
    return channel.send({ content, allowedMentions: NO_MENTIONS });
  }

  async function switchCaptions(i: ChatInputCommandInteraction, say: (text: string) => Promise<unknown>) {
    const on = i.options.getString("mode", true) === "on";
    if (!on && config.discord.autocaptionChannels.includes(i.channelId))
      return void (await say(captionedByConfig("discord.autocaptionChannels")));
    if (on) await autocaption.add(i.channelId);
    else await autocaption.remove(i.channelId);
    await say(
      on
        ? "Auto-captions are on: every image posted here gets a caption and alt-text suggestion."
        : "Auto-captions are off for this channel.",
    );
  }

  /** /timezone and /scheduled: read and answered at once, for the member's eyes only. */
  async function scheduleCommand(i: ChatInputCommandInteraction) {
    const schedule = flow.clicks.schedule;
    if (i.commandName === "timezone") {
      const out = await schedule.setZone({ id: i.user.id }, i.options.getString("zone", true));
      return i.reply({ content: out.message, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    }
    const list = await scheduledList(x, i.guildId ?? `dm:${i.user.id}`);
    return i.reply({ ...list, flags: MessageFlags.Ephemeral | list.flags });
  }

  return async function onSlash(i: ChatInputCommandInteraction) {
    // The token's 15 minutes run from now, not from when the attachment has been downloaded.
    const received = Date.now();
    const refused =
      refusal(config, i.guildId, homeChannel(i.channel, i.channelId), memberRoles(i.member))?.message ??
      (i.commandName === "autocaption" && !i.memberPermissions?.has(PermissionFlagsBits.ManageChannels)
        ? "You need the Manage Channels permission to switch auto-captions."
        : undefined) ??
      cannotAnswer(i, config);
    if (refused) {
      await acknowledge(() =>
        i.reply({ content: `⚠️ ${refused}`, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }),
      );
      return;
    }
    if (i.commandName === "scheduled" || i.commandName === "timezone")
      return void (await acknowledge(() => scheduleCommand(i)));
    // Too late, the token is dead and the answer goes to the channel; acknowledged elsewhere,
    // that process answers it.
    const ack = await acknowledge(() => i.deferReply());
    if (ack === "taken") return;
    const say = (content: string) =>
      ack === "ok"
        ? i.editReply({ content, allowedMentions: NO_MENTIONS })
        : sendToChannel(i.channelId, content);
    const requestId = `discord:${i.id}`;
    try {
      if (i.commandName === "autocaption") return await switchCaptions(i, say);
      const attachment = i.options.getAttachment("image");
      const images = attachment ? await x.store([attachment]) : [];
      const args: Record<string, string | number> = {};
      for (const name of STRING_ARGS) {
        const v = i.options.getString(name);
        if (v) args[name] = v;
      }
      const variants = i.options.getInteger("variants");
      if (variants) args.variants = variants;
      const place = { channel: i.channelId };
      if (ack === "ok") {
        await flow.conversations.keepSecret(requestId, {
          value: { appId: i.applicationId, token: i.token },
          until: received + TOKEN_LIFETIME_MS,
        });
        await flow.open({
          requestId,
          place: { ...place, interaction: requestId },
          asker: i.user.id,
          text: "",
          first: ORIGINAL,
        });
      }
      const result = await x.submit({
        requestId,
        priority: "interactive",
        command: i.commandName as CommandName,
        args,
        text:
          i.options.getString("question") ??
          i.options.getString("prompt") ??
          i.options.getString("what") ??
          "",
        images,
        user: { id: i.user.id, name: i.user.username.slice(0, 100) },
        scope: { id: i.guildId ?? `dm:${i.user.id}`, channelId: i.channelId },
        // `slash`: an answer that cannot use the command's reply says whose it is.
        reply: { ...place, slash: "1" },
        ...(i.locale ? { locale: i.locale } : {}),
      });
      if (!result.duplicate && ack === "ok")
        flow.show(requestId, result.position > 1 ? `You're #${result.position} in line…` : "Working on it…");
    } catch (err) {
      const said = x.failure(err);
      if (ack === "ok" && isPersonalRefusal(err)) {
        // For the asker's eyes: the public "thinking…" reply goes, an ephemeral follow-up says why.
        await flow.drop(requestId).catch(() => undefined);
        await i
          .followUp({ content: said, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
          .catch(() => undefined);
        return;
      }
      if (!(await flow.fail(requestId, said).catch(() => false))) await say(said).catch(() => undefined);
    }
  };
}
