import type { Conversation } from "../queue/conversations.js";

const STOP_REFUSED = "Only the person who asked can stop this.";
const ALREADY_FINISHED = "That answer is already finished.";

/** Why this clicker may not stop this conversation (undefined: they may); the same on every platform. */
export function stopRefusal(
  c: Conversation | undefined,
  clicker: string,
  mayStopAny: boolean,
): string | undefined {
  if (!c || c.finished) return ALREADY_FINISHED;
  if (c.asker !== clicker && !mayStopAny) return STOP_REFUSED;
  return undefined;
}
