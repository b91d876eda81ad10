import { describe, expect, it } from "vitest";
import { logger } from "../../src/log.js";
import { loggedSince, logMark } from "../helpers/log-capture.js";

/** Secrets in strings, wherever they are in a log record, message included. */
const SECRETS = {
  discordWebhook: "https://discord.com/api/webhooks/123456789012345678/aW50ZXJhY3Rpb24tdG9rZW4tc2VjcmV0",
  slackWebhook: "https://hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX",
  bot: "xoxb-1111-2222-abcdefSECRET",
  user: "xoxp-3333-4444-userSECRET",
  app: "xapp-1-A0001-5555-appSECRET",
  bearer: "Bearer sk-live-bearerSECRET",
  redis: "redis://default:p@ss:w0rd@cache.internal:6379/0",
  comfy: "https://admin:comfySECRET@comfy.internal:8188/prompt",
  basic: "Authorization: Basic dXNlcjpwYXNz",
  discordHeader: "Authorization: Bot MTIzNDU2Nzg5.GhIjKl.discordSECRET",
};
const FRAGMENTS = [
  "aW50ZXJhY3Rpb24tdG9rZW4tc2VjcmV0",
  "XXXXsecretXXXX",
  "abcdefSECRET",
  "userSECRET",
  "appSECRET",
  "bearerSECRET",
  "p@ss",
  "w0rd",
  "comfySECRET",
  "dXNlcjpwYXNz",
  "discordSECRET",
];

describe("the logger redacts by pattern", () => {
  it("in the message, in nested fields and in errors' messages and stacks", () => {
    const mark = logMark();
    const all = Object.values(SECRETS).join(" ");
    logger().info(`calling ${all}`);
    logger().warn({ detail: { nested: [all] }, note: all }, "nested");
    const err = Object.assign(new Error(`failed: ${all}`), {
      config: { headers: { Authorization: SECRETS.bearer } },
      requestBody: { json: { content: "the private message body" } },
      code: "slack_webapi_platform_error",
      data: { ok: false, error: "channel_not_found" },
    });
    logger().error({ err, context: { cause: err } }, "failed");
    const text = JSON.stringify(loggedSince(mark));
    for (const f of FRAGMENTS) expect(text).not.toContain(f);
    expect(text).not.toContain("the private message body");
    // What is kept: where a request went, what was refused, and that something was redacted.
    expect(text).toContain("/webhooks/:id/:token");
    expect(text).toContain("redis://[redacted]@cache.internal:6379/0");
    expect(text).toContain("https://[redacted]@comfy.internal:8188/prompt");
    const [, , failed] = loggedSince(mark) as { err: Record<string, unknown> }[];
    expect(failed?.err).toMatchObject({
      code: "slack_webapi_platform_error",
      platformError: "channel_not_found",
    });
  });
});
