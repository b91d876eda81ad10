import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/schema.js";
import { POST_EXPIRED } from "../../queue/posts.js";
import type { PostClicks } from "../post-clicks.js";
import { SESSION, type WebAdapter } from "./adapter.js";

const WORD = /^[a-z0-9-]{1,40}$/i;

/**
 * The playground's side of a post's buttons (the card arrives with the post, described once): each click is
 * POST /api/posts/:id/actions with the action and a menu's value. Like on Discord and Slack it
 * becomes a job on the queue; the answer arrives over the tab's event stream and redraws the post
 * card in place. The browser session is the person: only the tab that asked may approve.
 */
export function registerPostActions(
  app: FastifyInstance,
  o: { config: Config; clicks: PostClicks; adapter: WebAdapter },
): void {
  app.post<{ Params: { id: string }; Body: { action?: unknown; value?: unknown } }>(
    "/api/posts/:id/actions",
    async (req, reply) => {
      const session = String(req.headers["x-session"] ?? "");
      if (!SESSION.test(session))
        return reply.code(400).send({ error: "Reload the page to start a session." });
      const action = String(req.body?.action ?? "");
      const value = req.body?.value === undefined ? undefined : String(req.body.value);
      if (!WORD.test(action) || (value !== undefined && !WORD.test(value)))
        return reply.code(400).send({ error: "That choice is not on the menu." });
      const outcome = await o.clicks.click({
        postId: req.params.id,
        action,
        ...(value ? { value } : {}),
        clickId: randomUUID(),
        user: { id: session, name: "you" },
        approver: false,
        reply: { session },
      });
      if (!outcome.accepted)
        return reply.code(outcome.message === POST_EXPIRED ? 410 : 403).send({ error: outcome.message });
      o.adapter.track(outcome.requestId, session);
      return { requestId: outcome.requestId };
    },
  );
}
