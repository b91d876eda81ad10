import type { Adapter } from "../../core/adapter.js";
import type { DeliveryJob, Progress } from "../../core/jobs.js";
import type { Card } from "../../core/surface.js";

/** One browser tab's stream of events. */
export type WebEvent =
  | { type: "queued"; requestId: string; position: number }
  | { type: "progress"; requestId: string; stage: string; detail?: string; text?: string }
  | { type: "delivery"; delivery: DeliveryJob & { card?: Card } }
  /** A post's card redrawn as it stands (a scheduled post's time, its outcome, or open again). */
  | { type: "card"; postId: string; card: Card };

type Listener = (event: WebEvent) => void;

const KEEP_PER_SESSION = 50;

/**
 * The web playground's side of the delivery path: deliveries arrive from the deliveries:web
 * queue like on any platform, and go to the browser session that asked, over Server-Sent Events.
 * Recent events are kept so a reconnecting tab catches up.
 */
export function createWebAdapter(
  o: { cardFor?: (d: DeliveryJob) => Card | undefined; now?: () => number } = {},
): Adapter & {
  subscribe(session: string, listener: Listener): () => void;
  emit(session: string, event: WebEvent): void;
  history(session: string): WebEvent[];
  /** Remembers which session a request belongs to, so progress (which carries only the id) finds it. */
  track(requestId: string, session: string): void;
  progress(requestId: string, progress: Progress): void;
  /** Forgets sessions with no open stream and nothing new for `idleMs`, and requests as old. */
  prune(idleMs: number): void;
} {
  const listeners = new Map<string, Set<Listener>>();
  const recent = new Map<string, WebEvent[]>();
  /** When each session last had an event or a stream opened. */
  const seen = new Map<string, number>();
  const owners = new Map<string, { session: string; at: number }>();
  const now = o.now ?? Date.now;

  function emit(session: string, event: WebEvent): void {
    // Partial answers go to open tabs only: each carries the whole text so far, and keeping them
    // would push real events out of the catch-up history.
    if (event.type === "progress" && event.text !== undefined) {
      for (const l of listeners.get(session) ?? []) l(event);
      return;
    }
    seen.set(session, now());
    const list = recent.get(session) ?? [];
    list.push(event);
    if (list.length > KEEP_PER_SESSION) list.splice(0, list.length - KEEP_PER_SESSION);
    recent.set(session, list);
    for (const l of listeners.get(session) ?? []) l(event);
  }

  return {
    platform: "web",
    async start() {},
    async stop() {
      listeners.clear();
    },
    async post(delivery) {
      const session = delivery.reply.session;
      owners.delete(delivery.requestId);
      // A post comes with its card, described once for every platform (bots/post-card.ts).
      const card = o.cardFor?.(delivery);
      if (session) emit(session, { type: "delivery", delivery: card ? { ...delivery, card } : delivery });
      return { postedAt: Date.now(), messageIds: [delivery.requestId] };
    },
    async showProgress(request, progress: Progress) {
      const session = request.reply?.session;
      if (session)
        emit(session, {
          type: "progress",
          requestId: request.requestId,
          stage: progress.stage,
          ...(progress.detail ? { detail: progress.detail } : {}),
        });
    },
    subscribe(session, listener) {
      let set = listeners.get(session);
      if (!set) {
        set = new Set();
        listeners.set(session, set);
      }
      set.add(listener);
      seen.set(session, now());
      return () => {
        set?.delete(listener);
        if (set?.size === 0 && listeners.get(session) === set) listeners.delete(session);
        seen.set(session, now());
      };
    },
    emit,
    track(requestId, session) {
      owners.set(requestId, { session, at: now() });
    },
    progress(requestId, progress) {
      const session = owners.get(requestId)?.session;
      if (session)
        emit(session, {
          type: "progress",
          requestId,
          stage: progress.stage,
          ...(progress.detail ? { detail: progress.detail } : {}),
          ...(progress.text !== undefined ? { text: progress.text } : {}),
        });
    },
    history: (session) => [...(recent.get(session) ?? [])],
    prune(idleMs) {
      const before = now() - idleMs;
      for (const [session, at] of seen)
        if (at < before && !listeners.has(session)) {
          seen.delete(session);
          recent.delete(session);
        }
      for (const [requestId, owner] of owners) if (owner.at < before) owners.delete(requestId);
    },
  };
}

export type WebAdapter = ReturnType<typeof createWebAdapter>;
