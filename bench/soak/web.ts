/**
 * bench:soak's playground traffic: what the page does, over HTTP. A few sessions, each with its
 * event stream open for the whole run; photos uploaded with /describe, /ask and /post; bad inputs
 * refused by the upload itself. The session is the one the server hands out (its cookie), as the
 * page's is.
 */

import { randomUUID } from "node:crypto";
import type { Photo } from "./photos.js";
import type { Outcome, Tracked } from "./track.js";

interface Session {
  cookie: string;
  stream: AbortController;
}

const MESSAGES: Record<string, string> = {
  describe: "/describe",
  ask: "what colour is most of this photo?",
  post: "/post instagram playful",
};

export function webTraffic(base: string, sessions = 6) {
  const open: Session[] = [];
  /** Request id → the answers its deliveries carried; key → request id (or the refusal). */
  const delivered = new Map<string, string[]>();
  const refusals = new Map<string, string>();
  const requestOf = new Map<string, string>();
  let next = 0;

  async function listen(s: Session): Promise<void> {
    const res = await fetch(`${base}/api/events`, {
      headers: { cookie: s.cookie },
      signal: s.stream.signal,
    });
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        const data = frame.split("\n").find((l) => l.startsWith("data: "));
        if (!data) continue;
        const e = JSON.parse(data.slice(6)) as {
          type: string;
          delivery?: { requestId: string; text?: string; error?: { message: string } };
        };
        if (e.type !== "delivery" || !e.delivery) continue;
        const d = e.delivery;
        const list = delivered.get(d.requestId) ?? [];
        list.push(d.error?.message ?? d.text ?? "");
        delivered.set(d.requestId, list);
      }
    }
  }

  async function session(): Promise<Session> {
    if (open.length >= sessions) return open[next++ % open.length] as Session;
    const page = await fetch(`${base}/`);
    const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
    await page.arrayBuffer();
    const s: Session = { cookie, stream: new AbortController() };
    open.push(s);
    listen(s).catch(() => undefined); // ends when the run aborts it
    // The page opens its stream before it sends anything.
    await new Promise((r) => setTimeout(r, 200));
    return s;
  }

  return {
    async send(kind: string, photo: Photo): Promise<Tracked> {
      const s = await session();
      const key = `web-${randomUUID()}`;
      const t: Tracked = { platform: "web", kind, key, sentAt: Date.now(), bad: !!photo.bad };
      const form = new FormData();
      form.set("message", MESSAGES[kind] ?? "/describe");
      form.set("files", new Blob([new Uint8Array(photo.bytes)], { type: photo.type }), photo.name);
      const res = await fetch(`${base}/api/requests`, {
        method: "POST",
        headers: { cookie: s.cookie, origin: base },
        body: form,
      });
      const body = (await res.json()) as { requestId?: string; error?: string };
      if (body.requestId) requestOf.set(key, body.requestId);
      else refusals.set(key, body.error ?? `HTTP ${res.status}`);
      return t;
    },
    outcome(t: Tracked): Outcome {
      const refused = refusals.get(t.key);
      if (refused !== undefined) return { done: true, answers: [refused] };
      const answers = delivered.get(requestOf.get(t.key) ?? "") ?? [];
      return { done: answers.length > 0, answers };
    },
    close() {
      for (const s of open) s.stream.abort();
    },
  };
}
