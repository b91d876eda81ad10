import type { FastifyInstance, FastifyReply } from "fastify";
import type { PlatformName } from "../../core/post-state.js";
import { POST_EXPIRED } from "../../queue/posts.js";
import { PRESETS } from "../../skills/post/presets.js";
import { captionStart } from "../post-card.js";
import type { PostClicks } from "../post-clicks.js";
import type { Actor, ChangeAction } from "../post-schedule.js";
import type { Guards } from "./guard.js";
import type { WebSessions } from "./sessions.js";

/**
 * The playground's scheduling routes, behind the same guards as every route: a typed time on a
 * post card ("tomorrow 9am"), and the week view's list and its Publish now, Reschedule and Cancel.
 * post-schedule.ts decides who may and words every refusal; the page only shows its sentence.
 * Instants travel as ISO 8601 in UTC: the page writes them in the browser's locale and zone.
 */

/** The playground's one server: every session's posts are scheduled in it (server.ts's scope). */
export const WEB_SCOPE_ID = "local";

const ACTIONS: readonly ChangeAction[] = ["cancel", "reschedule", "publish-now"];
/** `<postId>:approve:<n>`; playground post ids are `web:<uuid>`. */
const APPROVAL_ID = /^web:[0-9a-f-]{36}:approve:\d$/;

type Body = Record<string, unknown> | undefined;

/** A string field no longer than `max`, else undefined. */
function field(body: Body, name: string, max: number): string | undefined {
  const v = body?.[name];
  return typeof v === "string" && v.length <= max ? v : undefined;
}

/**
 * A post's scheduler is named "you" (its own session reads its card); the sentence saying who may
 * change it is read only by someone else (the scheduler may always), so there it is "that person".
 */
const othersView = (message: string) =>
  message.replace(/^Only you or an approver /, "Only the person who scheduled it or an approver ");

const refuse = (reply: FastifyReply, status: number, error: string) => reply.code(status).send({ error });

export function registerScheduled(
  app: FastifyInstance,
  o: { clicks: PostClicks; guards: Guards; sessions: WebSessions },
): void {
  const schedule = o.clicks.schedule;

  /** The session as the scheduler knows it; "you", as the page names its own session (post-actions.ts). */
  function actor(req: Parameters<Guards["session"]>[0], body: Body): Actor {
    const zone = field(body, "zone", 64);
    return {
      user: { id: o.guards.session(req), name: "you" },
      approver: o.guards.approver(req),
      ...(zone ? { clientZone: zone } : {}),
    };
  }

  // "Other time…" on a card: the typed words, read in the person's zone.
  app.post<{ Params: { id: string }; Body: Body }>("/api/posts/:id/schedule", async (req, reply) => {
    const when = field(req.body, "when", 200);
    const caption = Number(req.body?.caption ?? 1);
    if (!when?.trim()) return refuse(reply, 400, 'Type a time, such as "tomorrow 9am".');
    if (!Number.isInteger(caption) || caption < 1 || caption > 9)
      return refuse(reply, 400, "That caption is not part of this post any more.");
    // Another session's post is as unknown here as an expired one (as for the card's buttons).
    const post = await o.clicks.get(req.params.id);
    if (!post || post.record.requester.id !== o.guards.session(req)) return refuse(reply, 410, POST_EXPIRED);
    const out = await schedule.schedule(req.params.id, caption - 1, when, actor(req, req.body));
    if (!out.accepted) return refuse(reply, out.message === POST_EXPIRED ? 410 : 400, out.message);
    return { approvalId: out.approvalId, at: new Date(out.at).toISOString(), duplicate: out.duplicate };
  });

  // The week view's entries: every scheduled post of the playground, soonest first.
  app.get("/api/scheduled", async (req) => {
    const session = o.guards.session(req);
    const posts = await schedule.list(WEB_SCOPE_ID);
    // Whoever sees the list may see its thumbnails (the blob route serves a session its own).
    await o.sessions.own(
      session,
      posts.flatMap((p) => (p.imageKey ? [p.imageKey] : [])),
    );
    return {
      posts: posts.map((p) => ({
        approvalId: p.approvalId,
        at: new Date(p.at).toISOString(),
        network: PRESETS[p.network as PlatformName]?.label ?? p.network,
        caption: captionStart(p.caption),
        captionNumber: p.variant + 1,
        ...(p.imageKey ? { thumb: `/blobs/${p.imageKey}?size=thumb`, thumbAlt: p.imageAlt ?? "" } : {}),
        // Whether this session scheduled it; the session id itself is a secret and never sent.
        mine: p.by.id === session,
      })),
    };
  });

  app.post<{ Body: Body }>("/api/scheduled/change", async (req, reply) => {
    const approvalId = field(req.body, "approvalId", 100) ?? "";
    const action = ACTIONS.find((a) => a === req.body?.action);
    if (!APPROVAL_ID.test(approvalId) || !action) return refuse(reply, 400, "That button is not one I know.");
    const when = field(req.body, "when", 200);
    if (action === "reschedule" && !when?.trim())
      return refuse(reply, 400, 'Type a time, such as "tomorrow 9am".');
    const out = await schedule.change(approvalId, action, actor(req, req.body), when);
    if (!out.done) return refuse(reply, 409, othersView(out.message));
    return {
      message: out.message,
      ...(out.at !== undefined ? { at: new Date(out.at).toISOString() } : {}),
    };
  });
}
