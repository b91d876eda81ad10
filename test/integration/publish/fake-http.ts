import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What the loopback stand-ins (fake-mastodon.ts, fake-bluesky.ts, fake-pixelfed.ts, fake-linkedin.ts) share: JSON answers, a server on
 * 127.0.0.1, and hooks that fail a route on demand or hold it (to crash a client between two calls).
 */

export type Json = Record<string, unknown>;

interface Failure {
  status: number;
  body: Json | string;
  headers?: Record<string, string>;
}

/** Held responses: `hold(route)` returns a promise that resolves when the route is reached, with a release. */
export class Hooks {
  private fails = new Map<string, Failure[]>();
  private holds = new Map<string, { reached: (release: () => void) => void; phase: "before" | "after" }>();

  failNext(route: string, failure: Failure, times = 1): void {
    const list = this.fails.get(route) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.fails.set(route, list);
  }

  takeFailure(route: string): Failure | undefined {
    return this.fails.get(route)?.shift();
  }

  /**
   * The next request to `route` is held: `before` it does anything, or `after` it has done its
   * work but before the client hears back. Resolves with a function that lets the answer go.
   */
  hold(route: string, phase: "before" | "after"): Promise<() => void> {
    return new Promise((resolve) => this.holds.set(route, { reached: resolve, phase }));
  }

  async pause(route: string, phase: "before" | "after"): Promise<void> {
    const h = this.holds.get(route);
    if (!h || h.phase !== phase) return;
    this.holds.delete(route);
    await new Promise<void>((release) => h.reached(release));
  }
}

export async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A multipart body as the server's framework reads it. */
export async function formOf(req: IncomingMessage, raw: Buffer): Promise<FormData> {
  return new Response(new Uint8Array(raw), {
    headers: { "content-type": String(req.headers["content-type"]) },
  }).formData();
}

export function send(
  res: ServerResponse,
  status: number,
  data: Json | Json[] | string,
  headers: Record<string, string> = {},
) {
  if (res.destroyed) return;
  const text = typeof data === "string" ? data : JSON.stringify(data);
  res.writeHead(status, {
    "content-type": typeof data === "string" ? "text/html" : "application/json; charset=utf-8",
    ...headers,
  });
  res.end(text);
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}
