import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/schema.js";
import { POST_EXPIRED } from "../../queue/posts.js";
import type { PostClicks } from "../post-clicks.js";
import type { WebAdapter } from "./adapter.js";
import type { Guards } from "./guard.js";

const WORD = /^[a-z0-9-]{1,40}$/i;

/**
 * The playground's side of a post's buttons (the card arrives with the post, described once): each click is
 * POST /api/posts/:id/actions with the action and a menu's value. Like on Discord and Slack it
 * becomes a job on the queue; the answer arrives over the session's event stream and redraws the
 * post card in place. The server's session is the person, and it sees only its own posts; whether it
 * is an approver is whether it signed in with WEB_APPROVER_PASSWORD (the flow decides the rest).
 */
export function registerPostActions(
  app: FastifyInstance,
  o: { config: Config; clicks: PostClicks; adapter: WebAdapter; guards: Guards },
): void {
  app.post<{ Params: { id: string }; Body: { action?: unknown; value?: unknown } }>(
    "/api/posts/:id/actions",
    async (req, reply) => {
      const session = o.guards.session(req);
      const action = String(req.body?.action ?? "");
      const value = req.body?.value === undefined ? undefined : String(req.body.value);
      if (!WORD.test(action) || (value !== undefined && !WORD.test(value)))
        return reply.code(400).send({ error: "That choice is not on the menu." });
      // Another session's post is as unknown here as an expired one.
      const post = await o.clicks.get(req.params.id);
      if (post && post.record.requester.id !== session) return reply.code(410).send({ error: POST_EXPIRED });
      const outcome = await o.clicks.click({
        postId: req.params.id,
        action,
        ...(value ? { value } : {}),
        clickId: randomUUID(),
        user: { id: session, name: "you" },
        approver: o.guards.approver(req),
        reply: { session },
      });
      if (!outcome.accepted)
        return reply.code(outcome.message === POST_EXPIRED ? 410 : 403).send({ error: outcome.message });
      // A scheduled post has no answer now: the note says when (the page writes the time its way).
      if (outcome.command === "schedule") return { requestId: outcome.requestId, note: outcome.note };
      o.adapter.track(outcome.requestId, session);
      return { requestId: outcome.requestId };
    },
  );
}
