import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { body, close, Hooks, type Json, listen, send } from "./fake-http.js";

/** A Bluesky PDS on loopback: the XRPC methods a post needs. */
const B32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A CIDv1 (sha2-256) in base32, as a PDS makes them: raw codec for blobs, dag-cbor for records. */
function cidFor(bytes: Buffer, codec: "raw" | "dag-cbor"): string {
  const digest = createHash("sha256").update(bytes).digest();
  const all = Buffer.concat([Buffer.from([0x01, codec === "raw" ? 0x55 : 0x71, 0x12, 0x20]), digest]);
  let bits = 0;
  let value = 0;
  let out = "b";
  for (const byte of all) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

function jwt(sub: string): string {
  const b64 = (v: Json) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "HS256", typ: "at+jwt" })}.${b64({ scope: "com.atproto.appPass", sub, iat: now, exp: now + 7200 })}.${randomBytes(16).toString("base64url")}`;
}

interface BlueskyBlob {
  cid: string;
  bytes: Buffer;
  mime: string;
}

export interface BlueskyRecord {
  uri: string;
  rkey: string;
  cid: string;
  value: Json & {
    text: string;
    facets?: { index: { byteStart: number; byteEnd: number }; features: Json[] }[];
    embed?: { $type: string; images: { image: { ref: { $link: string } }; alt: string }[] };
  };
}

export async function fakeBluesky(o: {
  handle: string;
  password: string;
  did?: string;
  /** Other accounts that mentions can resolve to. */
  handles?: Record<string, string>;
  maxBlobBytes?: number;
}) {
  const did = o.did ?? "did:plc:abcdefghijklmnopqrstuvwx";
  const sessions = new Set<string>();
  const blobs: BlueskyBlob[] = [];
  const records = new Map<string, BlueskyRecord>();
  const hooks = new Hooks();
  const calls: string[] = [];

  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const nsid = u.pathname.replace(/^\/xrpc\//, "");
    const raw = await body(req);
    calls.push(nsid);
    const failure = hooks.takeFailure(nsid);
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    await hooks.pause(nsid, "before");
    if (nsid === "com.atproto.server.createSession") {
      const p = JSON.parse(raw.toString("utf8")) as { identifier?: string; password?: string };
      if ((p.identifier !== o.handle && p.identifier !== did) || p.password !== o.password)
        return send(res, 401, { error: "AuthenticationRequired", message: "Invalid identifier or password" });
      const accessJwt = jwt(did);
      sessions.add(accessJwt);
      return send(res, 200, { did, handle: o.handle, accessJwt, refreshJwt: jwt(did), active: true });
    }
    if (nsid === "com.atproto.identity.resolveHandle") {
      const found = o.handles?.[u.searchParams.get("handle") ?? ""];
      return found
        ? send(res, 200, { did: found })
        : send(res, 400, { error: "HandleNotFound", message: "Unable to resolve handle" });
    }
    const token = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
    if (!sessions.has(token))
      return send(res, 401, { error: "AuthenticationRequired", message: "Authentication Required" });
    if (nsid === "com.atproto.repo.uploadBlob") {
      if (o.maxBlobBytes && raw.length > o.maxBlobBytes)
        return send(res, 413, { error: "PayloadTooLarge", message: "request entity too large" });
      const blob = { cid: cidFor(raw, "raw"), bytes: raw, mime: String(req.headers["content-type"]) };
      if (!blobs.some((b) => b.cid === blob.cid)) blobs.push(blob);
      await hooks.pause(nsid, "after");
      return send(res, 200, {
        blob: { $type: "blob", ref: { $link: blob.cid }, mimeType: blob.mime, size: raw.length },
      });
    }
    if (nsid === "com.atproto.repo.createRecord") {
      const p = JSON.parse(raw.toString("utf8")) as {
        repo: string;
        collection: string;
        rkey?: string;
        record: BlueskyRecord["value"];
      };
      if (p.repo !== did && p.repo !== o.handle)
        return send(res, 400, { error: "InvalidRequest", message: "Invalid repo" });
      const rkey = p.rkey ?? String(Date.now());
      if (!/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/.test(rkey))
        return send(res, 400, { error: "InvalidRequest", message: "Invalid record key" });
      const uri = `at://${did}/${p.collection}/${rkey}`;
      if (records.has(uri))
        return send(res, 400, { error: "InvalidRequest", message: "Record already exists" });
      if ([...new Intl.Segmenter().segment(p.record.text)].length > 300)
        return send(res, 400, {
          error: "InvalidRequest",
          message: "Record/text must not be longer than 300 graphemes",
        });
      for (const img of p.record.embed?.images ?? [])
        if (!blobs.some((b) => b.cid === img.image.ref.$link))
          return send(res, 400, { error: "InvalidRequest", message: "Could not find blob" });
      const rec = {
        uri,
        rkey,
        cid: cidFor(Buffer.from(JSON.stringify(p.record)), "dag-cbor"),
        value: p.record,
      };
      records.set(uri, rec);
      await hooks.pause(nsid, "after");
      return send(res, 200, {
        uri,
        cid: rec.cid,
        commit: { cid: rec.cid, rev: "3kabcdefghij2" },
        validationStatus: "valid",
      });
    }
    if (nsid === "com.atproto.repo.getRecord") {
      const uri = `at://${did}/${u.searchParams.get("collection")}/${u.searchParams.get("rkey")}`;
      const rec = records.get(uri);
      return rec
        ? send(res, 200, { uri, cid: rec.cid, value: rec.value })
        : send(res, 400, { error: "RecordNotFound", message: `Could not locate record: ${uri}` });
    }
    send(res, 501, { error: "MethodNotImplemented", message: `${nsid} is not implemented here` });
  });
  const url = await listen(server);
  return {
    url,
    did,
    blobs,
    calls,
    hooks,
    records: () => [...records.values()],
    close: () => close(server),
  };
}
