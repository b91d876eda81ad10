import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWeb } from "../../../src/bots/web/index.js";
import { instantInZone } from "../../../src/publish/zone.js";
import { colourPhoto, fixture } from "../../helpers/images.js";
import { startPostEngine } from "../../helpers/post-engine.js";
import { postModel } from "../../helpers/post-model.js";
import { testConfig, waitFor } from "../../helpers/queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { launchChromium } from "../../helpers/start.js";
import { webClient } from "../../helpers/web-client.js";

/**
 * Scheduling from the playground in real Chromium, with a Mastodon account (the loopback stand-in)
 * and an approver password: a time typed on the card ("tomorrow 9am") is read in the browser's
 * zone; /scheduled shows the week with the post on its day and its thumbnail; someone who neither
 * scheduled it nor approves is refused with one sentence; Reschedule moves it to another day;
 * Publish now publishes it once; Cancel removes one. With SCREENSHOT=docs/scheduled-week.png the
 * test also saves the week view for the README.
 */
const ZONE = "Europe/Berlin";
const TEAM = "team-password-for-tests";
const APPROVER = "approver-password-for-tests";
const redis = newRedis();
const prefix = uniquePrefix("web-scheduled");
const dir = mkdtempSync(join(tmpdir(), "llava-bot-scheduled-"));
let stack: Awaited<ReturnType<typeof startPostEngine>>;
let web: Awaited<ReturnType<typeof startWeb>>;
let browser: Browser;

beforeAll(async () => {
  stack = await startPostEngine({
    prefix,
    model: postModel(),
    config: (mastodonUrl) =>
      testConfig({
        redis: { prefix },
        web: { port: 0, host: "127.0.0.1" },
        // The server's own zone is not the browser's: typed words must be read in the browser's.
        publish: { mastodon: { instanceUrl: mastodonUrl }, timeZone: "America/New_York" },
      }),
  });
  web = await startWeb({
    config: stack.config,
    secrets: { webPassword: TEAM, webApproverPassword: APPROVER },
    redisUrl: redisUrl(),
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await stack?.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

/** A signed-in page whose browser lives in Berlin. */
async function signedIn(password: string) {
  const context = await browser.newContext({
    httpCredentials: { username: "team", password },
    timezoneId: ZONE,
    locale: "en-GB",
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(web.url);
  return page;
}

async function post(page: Page, photo: string) {
  const file = join(dir, photo);
  writeFileSync(file, fixture(photo));
  await page.setInputFiles("#files", file);
  await page.fill("#message", "/post mastodon variants 2");
  // This turn's card, by its place (a later post's turn would be .last()).
  const card = page
    .locator(".turn")
    .nth(await page.locator(".turn").count())
    .locator(".post");
  await page.click("#send");
  await card.locator(".variants li").first().waitFor({ timeout: 30_000 });
  return card;
}

/** The day `days` after today in `zone`, at hh:mm there: the instant, and the date as words to type. */
function dayIn(days: number, hour: number, zone = ZONE) {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date()).split("-");
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) + days));
  const wall = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  return {
    at: instantInZone(zone, { ...wall, hour, minute: 0, second: 0 }),
    words: `${wall.year}-${String(wall.month).padStart(2, "0")}-${String(wall.day).padStart(2, "0")} ${hour}:00`,
  };
}

/**
 * The week view's day columns, each with the minutes (UTC) of its entries: a moved job's due time is
 * BullMQ's clock plus the delay, a millisecond or two past the minute asked for.
 */
const columns = (page: Page) =>
  page
    .locator("#week > li")
    .evaluateAll((days) =>
      days.map((d) =>
        Array.from(d.querySelectorAll(".entry time"), (t) => t.getAttribute("datetime")?.slice(0, 16)),
      ),
    );

const iso = (at: number) => new Date(at).toISOString().slice(0, 16);

describe("scheduling in the playground", () => {
  it("a typed time, the week view, a refusal, Reschedule, Publish now and Cancel", async () => {
    const lead = await signedIn(APPROVER);
    const first = await post(lead, "frisbee.jpg");
    const caption2 =
      (await first
        .locator(".variants li p")
        .nth(1)
        .evaluate((p) => p.firstChild?.textContent)) ?? "";

    // Typed words: a past time is refused with one sentence on the card.
    await first.getByLabel("Other time…").fill("yesterday 9am");
    await first.getByRole("button", { name: "Schedule", exact: true }).click();
    await first.locator(".post-note.error").waitFor();
    expect(await first.locator(".post-note").textContent()).toMatch(
      /^\w+day \d+ \w+ \d{4} 09:00 \(Europe\/Berlin\) has already passed; pick a time in the future\.$/,
    );

    // "tomorrow 9am" for caption 2 is 09:00 in the browser's zone, shown in its locale.
    const tomorrow = dayIn(1, 9);
    await first.getByLabel("Caption to schedule").selectOption("2");
    await first.getByLabel("Other time…").fill("tomorrow 9am");
    await first.getByRole("button", { name: "Schedule", exact: true }).click();
    await first.locator(".post-note:not(.error)", { hasText: "Scheduled:" }).waitFor();
    const shown = await lead.evaluate(
      (at) => new Date(at).toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" }),
      tomorrow.at,
    );
    expect(await first.locator(".post-note").textContent()).toBe(`Scheduled: caption 2 goes out ${shown}.`);
    // The card itself says so, as the slot menu's does, with nothing left to approve or schedule.
    await first.locator(".post-status").waitFor();
    expect(await first.locator(".post-status").textContent()).toBe(
      `🕒 Scheduled for ${shown} by you (caption 2)`,
    );
    expect(await first.getByLabel("Other time…").count()).toBe(0);

    // /scheduled in the composer: the week from today, the post on tomorrow's column.
    await lead.fill("#message", "/scheduled");
    await lead.press("#message", "Enter");
    await lead.locator("#week .entry").first().waitFor();
    expect(await columns(lead)).toEqual([[], [iso(tomorrow.at)], [], [], [], [], []]);
    const entry = lead.locator("#week .entry");
    expect(await entry.locator(".entry-when").textContent()).toBe(
      `${await lead.evaluate((at) => new Date(at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }), tomorrow.at)} · Mastodon · caption 2`,
    );
    const start = (await entry.locator(".entry-caption").textContent()) ?? "";
    expect(start.length).toBeGreaterThan(10);
    // Its start, on one line.
    expect(caption2.replace(/\s+/g, " ").startsWith(start.replace(/…$/, ""))).toBe(true);
    expect(await entry.locator(".entry-by").textContent()).toBe("scheduled by you");
    const thumb = entry.locator("img");
    await lead.waitForFunction(
      () => (document.querySelector("#week .entry img") as HTMLImageElement)?.complete,
    );
    expect(await thumb.getAttribute("src")).toMatch(/^\/blobs\/[^?]+\?size=thumb$/);
    expect(await thumb.getAttribute("alt")).toBe("A red frisbee in flight over a green lawn");
    expect(await thumb.evaluate((i: HTMLImageElement) => [i.naturalWidth, i.naturalHeight])).toEqual([
      128, 128,
    ]);

    // A teammate who neither scheduled it nor approves sees it, and is refused with the sentence.
    const teammate = await signedIn(TEAM);
    await teammate.getByRole("button", { name: "Scheduled posts" }).click();
    const theirs = teammate.locator("#week .entry");
    await theirs.waitFor();
    expect(await theirs.locator(".entry-by").textContent()).toBe("scheduled by a teammate");
    await theirs.getByRole("button", { name: /^Cancel:/ }).click();
    await theirs.locator(".entry-note.error").waitFor();
    expect(await theirs.locator(".entry-note").textContent()).toBe(
      "Only the person who scheduled it or an approver can change this scheduled post.",
    );
    await teammate.context().close();

    // Reschedule to three days from today, 10:00: it moves to that day's column.
    const later = dayIn(3, 10);
    await entry.getByRole("button", { name: /^Reschedule:/ }).click();
    await entry.getByLabel("New time").fill(later.words);
    await entry.getByRole("button", { name: /^Move:/ }).click();
    await lead.locator("#week-note", { hasText: "Rescheduled for" }).waitFor();
    const laterShown = await lead.evaluate(
      (at) => new Date(at).toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" }),
      later.at,
    );
    expect(await lead.locator("#week-note").textContent()).toBe(`Rescheduled for ${laterShown}.`);
    expect(await columns(lead)).toEqual([[], [], [], [iso(later.at)], [], [], []]);
    await first.locator(".post-status", { hasText: laterShown }).waitFor(); // its card moved too

    // A second post, scheduled for tomorrow evening: the week holds both.
    const second = await post(lead, "dog_phone.webp");
    const evening = dayIn(1, 18);
    await second.getByLabel("Other time…").fill("tomorrow 6pm");
    await second.getByRole("button", { name: "Schedule", exact: true }).click();
    await second.locator(".post-note", { hasText: "Scheduled:" }).waitFor();
    await lead.getByRole("button", { name: "Scheduled posts" }).click();
    await lead.locator("#week .entry").nth(1).waitFor();
    expect(await columns(lead)).toEqual([[], [iso(evening.at)], [], [iso(later.at)], [], [], []]);
    await lead.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>("#week img")).every((i) => i.complete),
    );
    const out = process.env.SCREENSHOT;
    if (out) {
      mkdirSync(join(out, ".."), { recursive: true });
      await lead.locator("#scheduled").screenshot({ path: out });
    }

    // Publish now: published once, to Mastodon, and the card says so; the week no longer has it.
    const moved = lead.locator("#week > li").nth(3).locator(".entry");
    await moved.getByRole("button", { name: /^Publish now:/ }).click();
    await lead.locator("#week-note", { hasText: "Publishing to Mastodon now." }).waitFor();
    await first.locator(".final").waitFor({ timeout: 30_000 });
    expect(stack.mastodon.statuses).toHaveLength(1);
    expect(await first.locator(".final .answer").textContent()).toMatch(
      new RegExp(`^✅ Published to Mastodon \\(approved by you\\): ${stack.mastodon.url}/@team/\\d+`),
    );
    expect(stack.mastodon.statuses[0]?.text).toContain(caption2);
    expect(await columns(lead)).toEqual([[], [iso(evening.at)], [], [], [], [], []]);

    // Cancel the other: nothing is published and nothing waits.
    await lead
      .locator("#week .entry")
      .getByRole("button", { name: /^Cancel:/ })
      .click();
    await lead.locator("#week-note", { hasText: "Cancelled" }).waitFor();
    expect(await lead.locator("#week-note").textContent()).toBe(
      "Cancelled: nothing will be published. The post can be approved again.",
    );
    expect(await columns(lead)).toEqual([[], [], [], [], [], [], []]);
    const left = await lead.evaluate(async () => (await (await fetch("/api/scheduled")).json()).posts);
    expect(left).toEqual([]);
    expect(stack.mastodon.statuses).toHaveLength(1);

    // The week's navigation: next week starts seven days on, and back again.
    const range = await lead.locator("#week-range").textContent();
    await lead.getByRole("button", { name: "Next week" }).click();
    expect(await lead.locator("#week > li h3").first().textContent()).toBe(
      await lead.evaluate(() => {
        const n = new Date();
        return new Date(n.getFullYear(), n.getMonth(), n.getDate() + 7).toLocaleDateString(undefined, {
          weekday: "short",
          day: "numeric",
          month: "short",
        });
      }),
    );
    await lead.getByRole("button", { name: "Previous week" }).click();
    expect(await lead.locator("#week-range").textContent()).toBe(range);
    await lead.context().close();
  }, 180_000);

  it("over HTTP: another session's post is unknown, an unknown zone is the config's, no session id is sent", async () => {
    const lead = await webClient(web.url, { password: APPROVER });
    const events = await lead.events();
    const sent = await lead.send("/post mastodon", await colourPhoto("red", 320, 240));
    const postId = String(sent.json.requestId);
    await waitFor(
      () => events.events.some((e) => e.type === "delivery" && e.delivery?.requestId === postId),
      30_000,
      "the post card",
    );
    const typed = (client: typeof lead, body: Record<string, unknown>) =>
      client.fetch(`/api/posts/${encodeURIComponent(postId)}/schedule`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    const teammate = await webClient(web.url, { password: TEAM });
    const theirs = await typed(teammate, { caption: 1, when: "tomorrow 9am", zone: ZONE });
    expect(theirs.status).toBe(410);
    expect(await theirs.json()).toEqual({ error: "This post has expired; run /post again." });

    // A zone that is not one: the words are read in publish.timeZone (New York here).
    const res = await typed(lead, { caption: 1, when: "tomorrow 9am", zone: "Mars/Olympus" });
    expect(res.status).toBe(200);
    const done = (await res.json()) as { at: string; approvalId: string };
    expect(done.at).toBe(new Date(dayIn(1, 9, "America/New_York").at).toISOString());

    // The list tells the teammate whose it is not, without naming the session (its cookie).
    const listed = await (await teammate.fetch("/api/scheduled")).text();
    expect(listed).not.toContain(lead.session);
    const [entry] = (JSON.parse(listed) as { posts: Record<string, unknown>[] }).posts;
    expect(entry).toEqual({
      approvalId: done.approvalId,
      at: done.at,
      network: "Mastodon",
      caption: expect.any(String),
      captionNumber: 1,
      thumb: expect.stringMatching(/^\/blobs\/[^?]+\?size=thumb$/),
      thumbAlt: "A red frisbee in flight over a green lawn",
      mine: false,
    });
    const thumb = await teammate.fetch(String(entry?.thumb));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");

    const cancel = await lead.fetch("/api/scheduled/change", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ approvalId: done.approvalId, action: "cancel" }),
    });
    expect(cancel.status).toBe(200);
    events.close();
  }, 90_000);
});
