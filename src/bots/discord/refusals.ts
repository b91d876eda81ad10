import { DiscordAPIError } from "discord.js";
import { logger } from "../../log.js";
import { ackFirst } from "../ack-first.js";

/** The JSON error codes Discord refuses our requests with, by what the adapter does about them. */
export const DiscordRefusal = {
  /** The interaction was not acknowledged within 3 s (or the token is older than 15 minutes). */
  UnknownInteraction: 10062,
  /** The token's webhook is gone: the interaction was never acknowledged, or has expired. */
  UnknownWebhook: 10015,
  /** A message we would edit was deleted (e.g. someone removed the bot's placeholder). */
  UnknownMessage: 10008,
  /** What Discord answers (HTTP 401) once an interaction token is past its 15 minutes. */
  InvalidWebhookToken: 50027,
  /** Another process (a second adapter, a replayed event) acknowledged it first. */
  AlreadyAcknowledged: 40060,
  /** Files over the upload limit of the server (10 MiB unboosted). */
  EntityTooLarge: 40005,
  /** The bot lacks a permission in the channel (Send Messages, Attach Files…). */
  MissingPermissions: 50013,
  /** A field failed validation, e.g. content over 2,000 characters. */
  InvalidFormBody: 50035,
} as const;

export function refusalCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === "number" ? err.code : undefined;
}

/** True when the interaction token can no longer be used: answers go to the channel instead. */
export function tokenGone(err: unknown): boolean {
  const code = refusalCode(err);
  return (
    code === DiscordRefusal.UnknownInteraction ||
    code === DiscordRefusal.UnknownWebhook ||
    code === DiscordRefusal.InvalidWebhookToken
  );
}

export const UPLOAD_TOO_LARGE =
  "⚠️ The image was too large for Discord to accept in this server, so it is not attached.";

/**
 * Acknowledges an interaction: "ok"; "late" when Discord says it is unknown (past its 3 s, the
 * token is dead: answer in the channel); "taken" when another process acknowledged it first
 * (it answers; this one stays silent, so nobody gets two answers).
 */
export async function acknowledge(ack: () => Promise<unknown>): Promise<"ok" | "late" | "taken"> {
  try {
    await ack();
    return "ok";
  } catch (err) {
    const code = refusalCode(err);
    if (code === DiscordRefusal.UnknownInteraction) {
      logger().warn("discord interaction expired before it was acknowledged; answering in the channel");
      return "late";
    }
    if (code === DiscordRefusal.AlreadyAcknowledged) {
      logger().info("discord interaction already acknowledged elsewhere; leaving it to that process");
      return "taken";
    }
    throw err;
  } finally {
    // Answered or refused, Discord has heard back: intake waiting on acknowledgements may go on.
    ackFirst.acknowledged();
  }
}
