import { describe, expect, it } from "vitest";
import { createAttemptLimiter, credentialsMatch, isLoopbackHost } from "../../src/core/basic-auth.js";

const header = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("basic auth", () => {
  it("accepts the password with any user name when none is configured, and only the configured one when it is", () => {
    expect(credentialsMatch(header("anyone", "pw:with:colons"), { password: "pw:with:colons" })).toBe(true);
    expect(credentialsMatch(header("anyone", "pw"), { password: "pw:with:colons" })).toBe(false);
    expect(credentialsMatch(header("anyone", "pw:with:colons!"), { password: "pw:with:colons" })).toBe(false);
    expect(credentialsMatch(header("ops", "s3cret"), { password: "s3cret", user: "ops" })).toBe(true);
    expect(credentialsMatch(header("admin", "s3cret"), { password: "s3cret", user: "ops" })).toBe(false);
    expect(credentialsMatch("Bearer s3cret", { password: "s3cret" })).toBe(false);
    expect(credentialsMatch(undefined, { password: "s3cret" })).toBe(false);
  });

  it("limits wrong attempts per client in a sliding minute", () => {
    let t = 1_000_000;
    const limiter = createAttemptLimiter({ max: 10, now: () => t });
    for (let i = 0; i < 10; i++) {
      expect(limiter.retryAfterS("10.0.0.1")).toBe(0);
      limiter.failed("10.0.0.1");
      t += 1000;
    }
    expect(limiter.retryAfterS("10.0.0.1")).toBe(50); // the first failure leaves the window in 50 s
    expect(limiter.retryAfterS("10.0.0.2")).toBe(0);
    t += 50_000;
    expect(limiter.retryAfterS("10.0.0.1")).toBe(0);
    t += 60_000;
    limiter.retryAfterS("10.0.0.1");
    expect(limiter.size()).toBe(0); // forgotten once quiet
  });

  it("knows loopback from the rest", () => {
    for (const h of ["127.0.0.1", "127.8.9.10", "localhost", "app.localhost", "::1", "[::1]"])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      "0.0.0.0",
      "::",
      "10.0.0.5",
      "attacker.example",
      "localhost.attacker.example",
      "128.0.0.1",
    ])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
