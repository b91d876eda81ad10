/**
 * One browser's worth of playground client over plain HTTP: it keeps the session cookie the
 * server issues, sends the page's own Origin on POSTs (as a browser does), and, when given one,
 * a basic-auth password on every request. Lets a test hold two sessions side by side.
 */
export interface WebClient {
  /** The session id the server issued (read from Set-Cookie, which a page's script never sees). */
  readonly session: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** POSTs a photo and a message as the page does; resolves with the JSON answer. */
  send(message: string, photo?: Buffer): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Opens the session's event stream; `events` fills as they arrive. */
  events(query?: string): Promise<{ status: number; events: WebEventJson[]; close(): void }>;
}

export type WebEventJson = { type: string; requestId?: string; delivery?: Record<string, unknown> } & Record<
  string,
  unknown
>;

export async function webClient(url: string, auth?: { user?: string; password: string }): Promise<WebClient> {
  const authorization = auth
    ? `Basic ${Buffer.from(`${auth.user ?? "team"}:${auth.password}`).toString("base64")}`
    : undefined;
  const base = (extra?: HeadersInit) => {
    const h = new Headers(extra);
    if (authorization && !h.has("authorization")) h.set("authorization", authorization);
    return h;
  };
  const first = await fetch(`${url}/`, { headers: base() });
  const set = first.headers.get("set-cookie") ?? "";
  const m = /llava_session=([^;]+)/.exec(set);
  if (!m?.[1]) throw new Error(`no session cookie (status ${first.status}): ${set}`);
  const session = m[1];
  const cookie = `llava_session=${session}`;

  const client: WebClient = {
    session,
    fetch(path, init = {}) {
      const headers = base(init.headers);
      if (!headers.has("cookie")) headers.set("cookie", cookie);
      if ((init.method ?? "GET") !== "GET" && !headers.has("origin")) headers.set("origin", url);
      return fetch(`${url}${path}`, { ...init, headers });
    },
    async send(message, photo) {
      const form = new FormData();
      form.append("message", message);
      if (photo) form.append("files", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "photo.jpg");
      const res = await client.fetch("/api/requests", { method: "POST", body: form });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    async events(query = "") {
      const abort = new AbortController();
      const res = await client.fetch(`/api/events${query}`, { signal: abort.signal });
      const events: WebEventJson[] = [];
      if (res.ok && res.body) {
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        void (async () => {
          let buffer = "";
          for (;;) {
            const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
            if (done) return;
            buffer += value;
            for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              for (const line of block.split("\n"))
                if (line.startsWith("data: ")) events.push(JSON.parse(line.slice(6)) as WebEventJson);
            }
          }
        })();
      }
      return { status: res.status, events, close: () => abort.abort() };
    },
  };
  return client;
}
