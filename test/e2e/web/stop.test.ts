import { mkdtempSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { redisUrl, uniquePrefix } from "../../helpers/redis.js";
import { baseEnv, launchChromium, start } from "../../helpers/start.js";
import { tinyModelDir } from "../../helpers/tiny-model.js";

/** Short, so a stop that waits on an open stream shows as a deadline miss, not a hung test. */
const GRACE_MS = 8000;
/** Signal delivery and process exit, on a busy machine. */
const MARGIN_MS = 1000;
const STOPPED = "llava-bot stopped; reload when it is back";

interface Stream {
  events: { type: string }[];
  /** Resolves when the connection closes; true when the server ended the response properly. */
  closed: Promise<boolean>;
}

/** The playground's event stream, read as a plain HTTP client reads it (a session of its own). */
function openEvents(url: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    get(`${url}/api/events`, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
      const events: Stream["events"] = [];
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of block.split("\n"))
            if (line.startsWith("data: ")) events.push(JSON.parse(line.slice(6)));
        }
      });
      const closed = new Promise<boolean>((r) => res.on("close", () => r(res.complete)));
      resolve({ events, closed });
    }).on("error", reject);
  });
}

/** Sends the signal; resolves with the exit code and how long the process took to exit. */
async function stopWith(
  s: { child: { kill(signal: NodeJS.Signals): boolean }; exited: Promise<number | null> },
  signal: NodeJS.Signals,
) {
  const t0 = Date.now();
  s.child.kill(signal);
  const code = await s.exited;
  return { code, ms: Date.now() - t0 };
}

describe("stopping with the playground open", () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it("Ctrl-C on llava-bot start ends open event streams with a closing event the page shows, and exits within engine.shutdownGraceMs", async () => {
    const env = baseEnv({
      LLAVA_BOT__REDIS__STATE_DIR: mkdtempSync(join(tmpdir(), "llava-bot-stop-")),
      LLAVA_BOT__ENGINE__SHUTDOWN_GRACE_MS: String(GRACE_MS),
    });
    delete env.REDIS_URL; // its own redis-server, which must go too
    const s = await start(env, ["--model", await tinyModelDir(), "--port", "0"]);
    const redisPid = Number(/^redis\s+private redis-server on \S+ \(pid (\d+)\)/m.exec(s.output())?.[1]);
    expect(redisPid, s.output()).toBeGreaterThan(0);

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(s.url);
    await page.waitForFunction("events.readyState === EventSource.OPEN");
    const stream = await openEvents(s.url);

    const { code, ms } = await stopWith(s, "SIGINT");
    expect(code, s.output()).toBe(0);
    expect(ms, s.output()).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(s.output()).toMatch(/^llava-bot stopped$/m);

    expect(await stream.closed).toBe(true);
    expect(stream.events).toEqual([{ type: "closing" }]);

    // The page says so once, and has stopped its EventSource rather than reconnect in a loop.
    await page.getByText(STOPPED).waitFor({ timeout: 10_000 });
    expect(await page.locator("#error").textContent()).toBe(STOPPED);
    expect(await page.evaluate("events.readyState === EventSource.CLOSED")).toBe(true);

    expect(() => process.kill(redisPid, 0)).toThrow(/ESRCH/);
  }, 90_000);

  it("SIGTERM on the web role alone ends its open event stream the same way and exits with 0", async () => {
    const env = baseEnv({
      REDIS_URL: redisUrl(),
      LLAVA_BOT__REDIS__PREFIX: uniquePrefix("stop"),
      LLAVA_BOT__ENGINE__SHUTDOWN_GRACE_MS: String(GRACE_MS),
    });
    const s = await start(env, ["--port", "0"], "web");
    const stream = await openEvents(s.url);

    const { code, ms } = await stopWith(s, "SIGTERM");
    expect(code, s.output()).toBe(0);
    expect(ms, s.output()).toBeLessThan(GRACE_MS + MARGIN_MS);
    expect(await stream.closed).toBe(true);
    expect(stream.events).toEqual([{ type: "closing" }]);
  }, 60_000);
});
