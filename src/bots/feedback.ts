import type { Surface } from "../core/surface.js";
import type { Conversation, Conversations } from "../queue/conversations.js";
import type { Producer } from "../queue/producer.js";

/** Discord's typing indicator lasts about 10 s: renewed a little sooner, it stays on. */
const TYPING_EVERY_MS = 8000;

/**
 * What tells people a request is alive besides its reply: the platform's "typing…" while it
 * waits and runs (renewed until the answer is out, read from Redis so a replica that delivered
 * it stops the one that started it), the asker's message marked when it ends (Slack's ✅ or ⚠️
 * in place of 👀), and one ping for the asker alone when the answer came late.
 */
export function createFeedback(o: {
  surface: Surface;
  conversations: Conversations;
  producer: Producer;
  /** An answer this late (ms after the question) pings the asker; 0: never. */
  notifyAfterMs: number;
  /** Typing stops after this long whatever happens (a request never runs longer). */
  maxTypingMs: number;
  everyMs?: number;
}) {
  const { surface, conversations } = o;
  const typing = new Map<string, NodeJS.Timeout>();

  function stopTyping(requestId: string): void {
    clearInterval(typing.get(requestId));
    typing.delete(requestId);
  }

  const ignore = () => undefined; // feedback is a help: a failed one never fails the answer

  return {
    /** The reply is open: typing starts (the placeholder itself ended any typing shown before). */
    started(c: Conversation): void {
      const show = surface.typing;
      if (!show || typing.has(c.requestId)) return;
      void show(c.place).catch(ignore);
      const until = Date.now() + o.maxTypingMs;
      const timer = setInterval(async () => {
        const now = await conversations.get(c.requestId).catch(() => undefined);
        if (!now || now.finished || Date.now() > until) return stopTyping(c.requestId);
        await show(c.place).catch(ignore);
      }, o.everyMs ?? TYPING_EVERY_MS);
      timer.unref();
      typing.set(c.requestId, timer);
    },

    stop: stopTyping,

    /** The request ended: its message is marked, and a late answer pings the asker once. */
    async ended(c: Conversation | undefined, outcome: "done" | "failed", answer?: string): Promise<void> {
      if (!c) return;
      stopTyping(c.requestId);
      if (c.origin) await surface.mark?.(c.place, c.origin, outcome).catch(ignore);
      const late = o.notifyAfterMs > 0 && c.at !== undefined && Date.now() - c.at >= o.notifyAfterMs;
      if (!late || !answer || !surface.notify) return;
      if (await o.producer.once(`${surface.platform}:notify:${c.requestId}`))
        await surface.notify(c.place, c.asker, answer).catch(ignore);
    },

    close(): void {
      for (const id of [...typing.keys()]) stopTyping(id);
    },
  };
}
