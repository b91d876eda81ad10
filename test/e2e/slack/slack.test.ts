import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colourPhoto, fixture } from "../../helpers/images.js";
import { waitFor } from "../../helpers/queue.js";
import { uniquePrefix } from "../../helpers/redis.js";
import { type SlackUnderTest, startSlackUnderTest } from "./app.js";
import {
  mentionEvent,
  type SendOptions,
  sendSigned,
  sign,
  slackFile,
  TOKEN,
  uploadEvent,
} from "./harness.js";
import type { StandIn } from "./stand-in.js";

let t: SlackUnderTest;
let api: StandIn;
let base: string;
let otherHost: { url: string; hits: number; close(): Promise<void> };
// The tiny model answers colours; one test swaps in a model whose answer tries to ping everyone.
let setHostile: SlackUnderTest["setHostile"] = () => {};

const send = (payload: unknown, opts: SendOptions = {}) => sendSigned(base, payload, opts);
const file = (id: string, name: string, host = api.url) => slackFile(host, id, name);
const mention = mentionEvent;

beforeAll(async () => {
  t = await startSlackUnderTest({
    prefix: uniquePrefix("slack"),
    hostile:
      "Hey <!channel> and <!here>, look <@U999>! Sign in at [https://slack.com/signin](https://evil.example/phish)",
    files: {
      FBLUE: await colourPhoto("blue"),
      FRED: await colourPhoto("red"),
      FGREEN: await colourPhoto("green"),
      FPHOTO: fixture("frisbee.jpg"),
    },
  });
  ({ api, base, setHostile } = t);
  const other = createServer((_req, res) => {
    otherHost.hits++;
    res.end("x");
  });
  await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
  otherHost = {
    url: `http://127.0.0.1:${(other.address() as AddressInfo).port}`,
    hits: 0,
    close: () => new Promise((r) => other.close(() => r())),
  };
}, 60_000);

afterAll(async () => {
  await t?.close();
  await otherHost?.close();
});

/** The bot's messages in a thread as they read now (placeholders that became answers included). */
const threaded = (channel: string, thread: string) =>
  [...api.posted.values()].filter(
    (m) => m.channel === channel && m.thread_ts === thread && !String(m.text).startsWith("⏳"),
  );

describe("Slack adapter on a real Bolt app", () => {
  it("rejects forged and stale signatures", async () => {
    const body = JSON.stringify(mention("EvForged", "C0", "1.1", []));
    const forged = await fetch(`${base}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)),
        "x-slack-signature": "v0=deadbeef",
      },
      body,
    });
    expect(forged.status).toBe(401);
    const stale = await fetch(`${base}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...sign(body, Math.floor(Date.now() / 1000) - 600) },
      body,
    });
    expect(stale.status).toBe(401);
  });

  it("a mention with a photo gets exactly one threaded answer, even when Slack retries the event", async () => {
    const payload = mention("EvBlue", "C1", "1700000001.000100", [file("FBLUE", "blue.png")]);
    const first = await send(payload);
    expect(first.status).toBe(200);
    await send(payload, { retry: 1 });
    await send(payload, { retry: 2 });
    await waitFor(() => threaded("C1", "1700000001.000100").length > 0, 20_000, "the answer");
    await new Promise((r) => setTimeout(r, 1500));
    const answers = threaded("C1", "1700000001.000100");
    expect(answers).toHaveLength(1);
    expect(answers[0]?.text).toBe("blue");
    // The token went to the file host with the download.
    expect(
      api.fileHits.filter((h) => h.path === "/files/FBLUE").every((h) => h.auth === `Bearer ${TOKEN}`),
    ).toBe(true);
  });

  it("a mention without an image asks for one", async () => {
    await send(mention("EvNoImage", "C2", "1700000002.000100", [], "<@UBOT> hello there"));
    await waitFor(() => threaded("C2", "1700000002.000100").length > 0, 20_000, "the request for an image");
    expect(String(threaded("C2", "1700000002.000100")[0]?.text)).toMatch(/attach an image/);
  });

  it("a mention longer than a request may hold is told the limit, in its thread, with no error id", async () => {
    const long = `<@UBOT> please read this: ${"word ".repeat(1800)}`;
    await send(mention("EvLongText", "C2L", "1700000002.000200", [file("FBLUE", "blue.png")], long));
    await waitFor(() => threaded("C2L", "1700000002.000200").length > 0, 20_000, "the answer");
    await new Promise((r) => setTimeout(r, 500));
    const said = threaded("C2L", "1700000002.000200");
    expect(said).toHaveLength(1);
    expect(String(said[0]?.text)).toMatch(/characters long; I can take up to 8,000/);
    expect(String(said[0]?.text)).not.toMatch(/error id/);
  });

  it("/describe acks within 3 s, uses the user's latest image and updates the placeholder", async () => {
    // The asker's latest photo: not their older one, not someone else's newer one.
    api.history.set("C3", [
      { user: "U2", ts: String(Date.now() / 1000 - 90), files: [file("FBLUE", "older.png")] },
      { user: "U2", ts: String(Date.now() / 1000 - 60), files: [file("FRED", "red.png")] },
      { user: "U3", ts: String(Date.now() / 1000 - 30), files: [file("FGREEN", "someone-elses.png")] },
    ]);
    const r = await send(
      {
        command: "/describe",
        text: "",
        user_id: "U2",
        channel_id: "C3",
        team_id: "T1",
        trigger_id: "trig-1",
        response_url: `${api.url}/respond`,
      },
      { form: true },
    );
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(3000);
    const placeholder = await (async () => {
      await waitFor(
        () => api.called("chat.postMessage").some((c) => c.args.channel === "C3"),
        10_000,
        "placeholder",
      );
      return api.called("chat.postMessage").find((c) => c.args.channel === "C3");
    })();
    expect(String(placeholder?.args.text)).toMatch(/red\.png/);
    await waitFor(
      // The answer keeps saying which photo it is about: "/describe on *red.png* (just now):".
      () =>
        api
          .called("chat.update")
          .some(
            (c) =>
              c.args.channel === "C3" &&
              /^\/describe on \*red\.png\* \(.+\):\n\nred$/.test(String(c.args.text)),
          ),
      20_000,
      "the final update",
    );
  });

  it("/post uploads the prepared image with alt text through the v2 flow", async () => {
    api.history.set("C4", [
      { user: "U4", ts: String(Date.now() / 1000 - 10), files: [file("FPHOTO", "frisbee.jpg")] },
    ]);
    await send(
      {
        command: "/post",
        text: "instagram playful",
        user_id: "U4",
        channel_id: "C4",
        team_id: "T1",
        trigger_id: "trig-2",
        response_url: `${api.url}/respond`,
      },
      { form: true },
    );
    await waitFor(() => api.called("files.completeUploadExternal").length > 0, 30_000, "the upload");
    const get = api.called("files.getUploadURLExternal").at(-1);
    expect(get?.args.alt_txt ?? get?.args.alt_text).toBe("Green");
    const complete = api.called("files.completeUploadExternal").at(-1);
    expect(complete?.args.channel_id).toBe("C4");
    expect(complete?.args.thread_ts).toBeTruthy();
    const completed = (complete?.args.files ?? []) as { id: string }[];
    const uploaded = api.uploads.find((u) => u.id === completed[0]?.id);
    expect(uploaded).toBeDefined();
    const update = api
      .called("chat.update")
      .find((c) => c.args.channel === "C4" && String(c.args.text).includes("Instagram feed post"));
    expect(update).toBeDefined();
  });

  it("an auto-caption channel captions each upload once; other bots and retries are ignored", async () => {
    api.users.set("UADMIN", { is_admin: true });
    await send(
      {
        command: "/autocaption",
        text: "on",
        user_id: "UADMIN",
        channel_id: "C5",
        team_id: "T1",
        trigger_id: "trig-3",
      },
      { form: true },
    );
    await waitFor(
      () =>
        api.called("chat.postEphemeral").some((c) => String(c.args.text).startsWith("Auto-captions are on")),
      10_000,
      "switch on",
    );
    const upload = uploadEvent("EvUpload", "C5", "1700000005.000100", [file("FGREEN", "lawn.png")]);
    await send(upload);
    await send({ ...upload, event_id: "EvUpload-again" }, { retry: 1 });
    const fromBot = {
      ...upload,
      event_id: "EvBot",
      event: {
        ...upload.event,
        ts: "1700000005.000200",
        bot_id: "BOTHER",
        user: "UOTHERBOT",
        files: [file("FRED", "bot.png")],
      },
    };
    await send(fromBot);
    await waitFor(() => threaded("C5", "1700000005.000100").length > 0, 20_000, "the caption");
    await new Promise((r) => setTimeout(r, 1500));
    expect(threaded("C5", "1700000005.000100")).toHaveLength(1);
    expect(String(threaded("C5", "1700000005.000100")[0]?.text)).toMatch(/green/i);
    expect(threaded("C5", "1700000005.000200")).toHaveLength(0);
  });

  it("an upload in an auto-caption channel that cannot be read gets one sentence in its thread, not silence", async () => {
    // C5's auto-captions were switched on by the test before.
    const photo = fixture("frisbee.jpg");
    api.files.set("FCUT", photo.subarray(0, photo.length / 3));
    const upload = uploadEvent("EvCut", "C5", "1700000005.000300", [
      { ...file("FCUT", "cut.jpg"), mimetype: "image/jpeg", filetype: "jpg" },
    ]);
    await send(upload);
    await send({ ...upload, event_id: "EvCut-again" }, { retry: 1 });
    await waitFor(() => threaded("C5", "1700000005.000300").length > 0, 20_000, "the refusal");
    await new Promise((r) => setTimeout(r, 1000));
    expect(threaded("C5", "1700000005.000300")).toHaveLength(1);
    expect(String(threaded("C5", "1700000005.000300")[0]?.text)).toBe(
      "⚠️ That image looks damaged or incomplete. Please upload it again.",
    );
  });

  it("a file URL pointing at another host is never fetched", async () => {
    await send(mention("EvOtherHost", "C6", "1700000006.000100", [file("FX", "x.png", otherHost.url)]));
    await waitFor(() => threaded("C6", "1700000006.000100").length > 0, 20_000, "the refusal");
    expect(otherHost.hits).toBe(0);
    expect(String(threaded("C6", "1700000006.000100")[0]?.text)).toMatch(/file hosts/);
  });

  it("model output with <!channel> is neutralised", async () => {
    setHostile(true);
    try {
      await send(
        mention(
          "EvHostile",
          "C7",
          "1700000007.000100",
          [file("FBLUE", "blue.png")],
          "<@UBOT> say hi to everyone",
        ),
      );
      await waitFor(() => threaded("C7", "1700000007.000100").length > 0, 20_000, "the answer");
    } finally {
      setHostile(false);
    }
    const text = String(threaded("C7", "1700000007.000100")[0]?.text);
    expect(text).not.toMatch(/<!channel>|<!here>|<@U999>/);
    expect(text).toContain("&lt;!channel&gt;");
    const sent = [...api.called("chat.postMessage"), ...api.called("chat.update")].filter(
      (c) => c.args.channel === "C7",
    );
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((c) => String(c.args.link_names) === "false")).toBe(true);
  });

  it("a Markdown link from the model shows its URL and is never a masked link", async () => {
    setHostile(true);
    try {
      await send(
        mention(
          "EvPhish",
          "C10",
          "1700000010.000100",
          [file("FBLUE", "blue.png")],
          "<@UBOT> where do I sign in?",
        ),
      );
      await waitFor(() => threaded("C10", "1700000010.000100").length > 0, 20_000, "the answer");
    } finally {
      setHostile(false);
    }
    expect(String(threaded("C10", "1700000010.000100")[0]?.text)).toContain(
      "https://slack.com/signin (https://evil.example/phish)",
    );
    const sent = [...api.called("chat.postMessage"), ...api.called("chat.update")].filter(
      (c) => c.args.channel === "C10",
    );
    expect(sent.some((c) => JSON.stringify(c.args).includes("evil.example"))).toBe(true);
    // No <url|words> anywhere in what Slack received: text and blocks alike.
    for (const c of sent) expect(JSON.stringify(c.args)).not.toMatch(/<https?:[^>]*\|/);
  });

  it("a DM with a photo is answered in the DM itself, not hidden in a thread", async () => {
    const dm = {
      type: "event_callback",
      team_id: "T1",
      event_id: "EvDm",
      event: {
        type: "message",
        channel_type: "im",
        user: "U8",
        channel: "D1",
        ts: "1700000008.000100",
        text: "what is this?",
        files: [file("FRED", "red.png")],
      },
    };
    await send(dm);
    const inDm = () => [...api.posted.values()].filter((m) => m.channel === "D1");
    await waitFor(() => inDm().some((m) => m.text === "red"), 20_000, "the DM answer");
    expect(inDm().map((m) => [m.text, m.thread_ts])).toEqual([["red", undefined]]);
  });

  it("the 'Describe image' message shortcut works on the message's image", async () => {
    const payload = {
      type: "message_action",
      callback_id: "describe_image",
      trigger_id: "trig-sc-1",
      team: { id: "T1" },
      user: { id: "U9" },
      channel: { id: "C9" },
      message: { ts: "1700000009.000100", user: "U10", files: [file("FBLUE", "blue.png")] },
      response_url: `${api.url}/respond`,
    };
    const r = await send({ payload: JSON.stringify(payload) }, { form: true });
    expect(r.status).toBe(200);
    await waitFor(
      () => api.called("chat.update").some((c) => c.args.channel === "C9" && c.args.text === "blue"),
      20_000,
      "the answer",
    );
    const placeholder = api.called("chat.postMessage").find((c) => c.args.channel === "C9");
    expect(placeholder?.args.thread_ts).toBe("1700000009.000100");
  });

  it("sends the bot token only to Slack's hosts", () => {
    for (const c of api.calls) expect(c.auth).toBe(`Bearer ${TOKEN}`);
    expect(otherHost.hits).toBe(0);
  });
});
