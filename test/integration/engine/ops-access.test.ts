import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../../src/engine/ops/metrics.js";
import { serveOps } from "../../../src/engine/ops/server.js";

/**
 * The engine's ops server beyond loopback: it does not start there without DASHBOARD_PASSWORD
 * (unless ops.public says so), and with one, /metrics asks for it like the dashboard does, checks
 * the user name when one is set, and limits wrong passwords per address.
 */
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** An ops server with no queues, closed after the test. */
async function ops(o: { host: string; dashboardPassword?: string; dashboardUser?: string }) {
  const server = await serveOps(createMetrics([]), { port: 0, healthy: () => true, queues: [], ...o });
  servers.push(server);
  return server;
}

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
});

describe("the ops server bound beyond loopback", () => {
  it("refuses to start without a password, saying how", async () => {
    await expect(ops({ host: "0.0.0.0" })).rejects.toThrow(
      "The engine's /metrics would listen on 0.0.0.0 without a password: set DASHBOARD_PASSWORD (or ops.public: true), or use ops.metricsHost 127.0.0.1.",
    );
  });

  it("with a password and a user name, /metrics needs both; /healthz stays open; 11 wrong in a minute get 429", async () => {
    const server = await ops({ host: "0.0.0.0", dashboardPassword: "ops-pass", dashboardUser: "ops" });
    const url = server.url.replace("0.0.0.0", "127.0.0.1");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: basic("someone", "ops-pass") })).status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: basic("ops", "ops-pass") });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/llava_bot_job_duration_seconds/);

    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await fetch(`${url}/metrics`, { headers: basic("ops", `wrong-${i}`) })).status);
    // One wrong user name above, nine wrong passwords here: the tenth wrong attempt is the last one heard.
    expect(statuses).toEqual([...Array(9).fill(401), 429]);
    const locked = await fetch(`${url}/queues`, { headers: basic("ops", "ops-pass") });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("on loopback, /metrics stays open as before", async () => {
    const server = await ops({ host: "127.0.0.1", dashboardPassword: "ops-pass" });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });
});
