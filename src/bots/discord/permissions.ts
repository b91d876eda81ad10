import { PermissionFlagsBits, type PermissionsBitField } from "discord.js";

/** The permissions an answer may need, by the name Discord's settings show. */
const NAMES: [bigint, string][] = [
  [PermissionFlagsBits.SendMessages, "Send Messages"],
  [PermissionFlagsBits.SendMessagesInThreads, "Send Messages in Threads"],
  [PermissionFlagsBits.CreatePublicThreads, "Create Public Threads"],
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

/**
 * What auto-captions need in a channel (discord.autocaptionIn): a caption is words only, so no
 * Attach Files; as a reply, Send Messages; in a thread on the photo, to open it and send in it.
 */
export function captionNeeds(mode: "reply" | "thread"): bigint[] {
  return mode === "thread"
    ? [PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.SendMessagesInThreads]
    : [PermissionFlagsBits.SendMessages];
}

/** Names of the needed permissions the bot lacks; none when its permissions are unknown (the API will say). */
export function missing(perms: Readonly<PermissionsBitField> | null | undefined, need: bigint[]): string[] {
  if (!perms) return [];
  return need
    .filter((p) => !perms.has(p))
    .map((p) => NAMES.find(([bit]) => bit === p)?.[1] ?? "a permission");
}

const permissionWords = (names: string[]) =>
  names.length ? `the ${names.join(" and ")} permission${names.length > 1 ? "s" : ""}` : "a permission";
/** "it" or "them", for the permissions named. */
const them = (names: string[]) => (names.length > 1 ? "them" : "it");

/** What is missing, in one sentence, the same whether the check or Discord's 50013 found it. */
export function missingSentence(names: string[]): string {
  return `I'm missing ${permissionWords(names)} in this channel, so I can't answer here. Ask a moderator to give ${them(names)} to me.`;
}

/** `/autocaption on` where captions could not be posted: nothing is switched on until they can. */
export function captionsMissingSentence(names: string[]): string {
  return `Auto-captions are not on: I'm missing ${permissionWords(names)} in this channel, so I couldn't post them. Give ${them(names)} to me, then run /autocaption on again.`;
}

/** Said under an answer whose image Discord would not let the bot attach. */
export const FILES_NOT_ALLOWED =
  "⚠️ I'm missing the Attach Files permission in this channel, so the image is not attached. Ask a moderator to give it to me.";
