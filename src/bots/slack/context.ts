import type { WebClient } from "@slack/web-api";
import type { Redis } from "ioredis";
import type { Config } from "../../config/schema.js";
import type { BlobRef, RequestInput } from "../../core/jobs.js";
import { isCodedError, isPersonalRefusal, newErrorId, userMessage } from "../../errors.js";
import { logger } from "../../log.js";
import type { Producer } from "../../queue/producer.js";
import { NOT_ENABLED_HERE } from "../access.js";
import type { Flow } from "../flow.js";
import { withTextFiles } from "../text-files.js";
import { incoming, type SlackFile, storeFiles } from "./files.js";
import { toMrkdwn } from "./format.js";
import { channelRefusal } from "./refusals.js";

export type Respond = (r: { response_type: "ephemeral"; text: string }) => Promise<unknown>;

/** Where a failure is told: in the channel (or thread), or for one person's eyes. */
export interface FailWhere {
  channel: string;
  thread?: string;
  user?: string;
  ephemeral?: boolean;
  respond?: (text: string) => Promise<unknown>;
}

/** What the Slack parts (messages, commands, clicks) share: made once by startSlack. */
export function slackContext(o: {
  client: WebClient;
  config: Config;
  producer: Producer;
  flow: Flow;
  token: string;
  redis: Redis;
  /** The person's zone from their Slack profile, when it has one (cached in Redis). */
  profileZone: (user: string) => Promise<string | undefined>;
  /** Posts to a response_url, only on Slack's hosts (responseUrlPoster). */
  postResponse: (url: string, body: object) => Promise<boolean>;
}) {
  const { client, config, producer } = o;

  /** Posts for one person's eyes, in the thread when there is one. */
  async function whisper(channel: string, user: string, text: string, thread?: string): Promise<void> {
    await client.chat.postEphemeral({ channel, user, text, ...(thread ? { thread_ts: thread } : {}) });
  }

  async function tell(channel: string, thread: string | undefined, text: string): Promise<void> {
    await client.chat.postMessage({
      channel,
      text: toMrkdwn(text),
      ...(thread ? { thread_ts: thread } : {}),
      link_names: false,
      unfurl_links: false,
    });
  }

  /** The bot's name as the workspace shows it (auth.test), asked once, for `/invite @name`. */
  let name: Promise<string> | undefined;
  const botName = () => {
    name ??= client.auth.test().then(
      (r) => r.user ?? "llava-bot",
      () => {
        name = undefined;
        return "llava-bot";
      },
    );
    return name;
  };

  /** `slack.allowedChannels` (empty: everywhere). */
  const served = (channel: string) =>
    !config.slack.allowedChannels.length || config.slack.allowedChannels.includes(channel);

  return {
    ...o,
    served,
    whisper,
    botName,
    /** Downloads with the bot token, only from Slack's file hosts, into blobs (`background`: a caption's). */
    store: (files: SlackFile[], x: { background?: boolean } = {}): Promise<BlobRef[]> =>
      storeFiles(files, { config, token: o.token, producer, ...x }),
    /** The question with its small .txt/.md files read into it, and the files left out. */
    readTexts: (question: string, files: SlackFile[]) =>
      withTextFiles(question, files.map(incoming), {
        config,
        allowedOrigins: config.slack.fileOrigins.map((u) => new URL(u).origin),
        headers: { authorization: `Bearer ${o.token}` },
      }),
    submit: (input: Omit<RequestInput, "platform" | "createdAt">) =>
      producer.submit({ ...input, platform: "slack", createdAt: Date.now() }),

    /** Outside the allowlist a slash command or shortcut, which only its user sees, is told why. */
    async refuseUnserved(channel: string, respond: Respond): Promise<boolean> {
      if (served(channel)) return false;
      await respond({ response_type: "ephemeral", text: `⚠️ ${NOT_ENABLED_HERE}` }).catch(() => undefined);
      return true;
    },

    /**
     * A user-facing failure told once per event, even when Slack retries it. A channel Slack will
     * not let the bot use can only be answered through the command's response_url (when there is
     * one); otherwise the log says why and nothing more is tried.
     */
    async fail(key: string, err: unknown, where: FailWhere): Promise<void> {
      if (!(await producer.once(`slack:fail:${key}`))) return;
      const refused = channelRefusal(err, where.channel, await botName());
      if (refused) return void (await where.respond?.(`⚠️ ${refused}`).catch(() => undefined));
      const errorId = newErrorId();
      if (!(isCodedError(err) && err.userFacing)) logger().error({ err, errorId }, "slack request failed");
      const text = `⚠️ ${userMessage(err, errorId)}`;
      try {
        if ((where.ephemeral || isPersonalRefusal(err)) && where.user)
          await whisper(where.channel, where.user, toMrkdwn(text), where.thread);
        else await tell(where.channel, where.thread, text);
      } catch (told) {
        const instead = channelRefusal(told, where.channel, await botName());
        if (!instead) throw told;
        await where.respond?.(`⚠️ ${instead}`).catch(() => undefined);
      }
    },
  };
}

export type SlackContext = ReturnType<typeof slackContext>;
