import axe, { type RunOptions } from "axe-core";
import type { Page } from "playwright-core";
import { startWeb } from "../../src/bots/web/index.js";
import type { ModelPort } from "../../src/core/model-port.js";
import { createEngine } from "../../src/engine/engine.js";
import { startEngineWorker } from "../../src/engine/worker.js";
import { testConfig } from "./queue.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "./redis.js";
import { launchChromium } from "./start.js";

/**
 * The playground in-process for Chromium tests: an engine on `model` with its worker, the web
 * role on a loopback port, and a browser; `close` stops them all and drops the Redis prefix.
 */
export async function startPlayground(model: ModelPort, name: string) {
  const prefix = uniquePrefix(name);
  const redis = newRedis();
  const config = testConfig({ redis: { prefix }, web: { port: 0, host: "127.0.0.1" } });
  const engine = await createEngine({ config, secrets: {}, model });
  const worker = startEngineWorker({ redisUrl: redisUrl(), prefix, config, engine });
  const web = await startWeb({ config, secrets: {}, redisUrl: redisUrl() });
  const browser = await launchChromium();
  return {
    url: web.url,
    browser,
    async close() {
      await browser.close();
      await web.close();
      await worker.close(500);
      await engine.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** The rule sets run: WCAG 2.1 A and AA, and axe's best practices (landmarks, headings). */
const RULES: string[] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/**
 * What axe-core finds on the page as it is now, each as "rule (impact): targets". The page is held
 * to none at all, so none serious or critical, none in WCAG 2.1 AA and none of the best practices.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(
    async (options) => {
      // The copy injected above, not the Node module of the same name.
      const inPage = (window as unknown as { axe: typeof axe }).axe;
      return (await inPage.run(document, options)).violations;
    },
    { runOnly: { type: "tag", values: RULES } } satisfies RunOptions,
  );
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** What has focus, as a person hears it: the accessible name (label, aria-label or text) or id. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return "(nothing)";
    return e.getAttribute("aria-label") || e.id || e.textContent?.trim() || e.tagName;
  });
}

/**
 * Presses Tab (or Shift+Tab) until what has focus is `name`, at most `max` times; returns the
 * names passed on the way (for the failure message) and whether it got there.
 */
export async function tabTo(page: Page, name: string | RegExp, o: { back?: boolean; max?: number } = {}) {
  const path: string[] = [];
  for (let i = 0; i < (o.max ?? 25); i++) {
    await page.keyboard.press(o.back ? "Shift+Tab" : "Tab");
    const now = await focused(page);
    path.push(now);
    if (typeof name === "string" ? now === name : name.test(now)) return { reached: true, path };
  }
  return { reached: false, path };
}
