import type { IncomingMessage } from "node:http";

/** One REST request as the Discord stand-in received it, and the status it answered. */
export interface Recorded {
  method: string;
  path: string;
  query: string;
  at: number;
  json?: Record<string, unknown>;
  files: { field: string; name: string; bytes: Buffer }[];
  auth: string | undefined;
  /** The status the stand-in answered with. */
  status?: number;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a request: its JSON body, or a multipart body's payload_json and files. */
export async function recordRequest(req: IncomingMessage, path: string, query: string): Promise<Recorded> {
  const raw = await readBody(req);
  const record: Recorded = {
    method: req.method ?? "GET",
    path,
    query,
    at: Date.now(),
    files: [],
    auth: req.headers.authorization,
  };
  const type = req.headers["content-type"] ?? "";
  if (type.includes("multipart/form-data")) {
    const form = await new Request("http://x", {
      method: "POST",
      headers: { "content-type": type },
      body: new Uint8Array(raw),
    }).formData();
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") record.json = JSON.parse(value) as Record<string, unknown>;
      } else record.files.push({ field, name: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  } else if (raw.length && type.includes("json"))
    record.json = JSON.parse(raw.toString()) as Record<string, unknown>;
  return record;
}
