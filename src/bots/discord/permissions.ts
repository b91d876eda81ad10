import { PermissionFlagsBits, type PermissionsBitField } from "discord.js";

/** The permissions an answer may need, by the name Discord's settings show. */
const NAMES: [bigint, string][] = [
  [PermissionFlagsBits.SendMessages, "Send Messages"],
  [PermissionFlagsBits.SendMessagesInThreads, "Send Messages in Threads"],
  [PermissionFlagsBits.AttachFiles, "Attach Files"],
];

/** Commands whose answer is an image: without Attach Files there is nothing to give. */
const FILE_COMMANDS: ReadonlySet<string> = new Set(["edit", "generate"]);

/**
 * What the bot must be allowed in a channel to answer `command` there: to send (in a thread,
 * in threads; an interaction's own reply needs neither) and, for an image answer, to attach.
 */
export function needed(o: { command: string; thread: boolean; interaction?: boolean }): bigint[] {
  const send = o.thread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  return [
    ...(o.interaction ? [] : [send]),
    ...(FILE_COMMANDS.has(o.command) ? [PermissionFlagsBits.AttachFiles] : []),
  ];
}

/** Names of the needed permissions the bot lacks; none when its permissions are unknown (the API will say). */
export function missing(perms: Readonly<PermissionsBitField> | null | undefined, need: bigint[]): string[] {
  if (!perms) return [];
  return need
    .filter((p) => !perms.has(p))
    .map((p) => NAMES.find(([bit]) => bit === p)?.[1] ?? "a permission");
}

/** What is missing, in one sentence, the same whether the check or Discord's 50013 found it. */
export function missingSentence(names: string[]): string {
  const what = names.length ? `the ${names.join(" and ")} permission` : "a permission";
  return `I'm missing ${what} in this channel, so I can't answer here. Ask a moderator to give it to me.`;
}

/** Said under an answer whose image Discord would not let the bot attach. */
export const FILES_NOT_ALLOWED =
  "⚠️ I'm missing the Attach Files permission in this channel, so the image is not attached. Ask a moderator to give it to me.";
