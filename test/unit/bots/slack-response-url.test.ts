import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { responseUrlPoster } from "../../../src/bots/slack/response-url.js";

/** A loopback server that records what was posted to it. */
async function recorder() {
  const hits: { path: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      hits.push({ path: req.url ?? "", body });
      res.statusCode = req.url?.includes("expired") ? 404 : 200;
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise((r) => server.close(r)) };
}

let slack: Awaited<ReturnType<typeof recorder>>;
let elsewhere: Awaited<ReturnType<typeof recorder>>;
beforeAll(async () => {
  slack = await recorder();
  elsewhere = await recorder();
});
afterAll(async () => {
  await slack?.close();
  await elsewhere?.close();
});

describe("Slack response_urls", () => {
  it("posts to the configured API's origin, and says whether Slack took it", async () => {
    const respond = responseUrlPoster(`${slack.url}/api/`);
    expect(await respond(`${slack.url}/respond/T1/abc`, { text: "only you" })).toBe(true);
    expect(slack.hits).toEqual([{ path: "/respond/T1/abc", body: JSON.stringify({ text: "only you" }) }]);
    expect(await respond(`${slack.url}/respond/expired`, { text: "late" })).toBe(false);
  });

  it("never contacts another host it is handed, nor reads an unreadable URL", async () => {
    const respond = responseUrlPoster(`${slack.url}/api/`);
    expect(await respond(`${elsewhere.url}/respond/T1/abc`, { text: "only you" })).toBe(false);
    expect(await respond("not a url", { text: "only you" })).toBe(false);
    expect(elsewhere.hits).toEqual([]);
  });

  it("without a configured API, only Slack's hooks host is allowed", async () => {
    const respond = responseUrlPoster(undefined);
    expect(await respond(`${slack.url}/respond/T1/abc`, { text: "x" })).toBe(false);
    expect(slack.hits.filter((h) => h.body.includes('"x"'))).toEqual([]);
  });
});
