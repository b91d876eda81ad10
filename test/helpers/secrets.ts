/**
 * The secrets and tokens the test setups hand to the code under test, in one place so that the
 * log scan (log-capture.ts) can check that none of them is ever written to the log.
 */
export const DISCORD_TEST_TOKEN = "Bot.test.token";
export const SLACK_TEST_TOKEN = "xoxb-test-token-123";
export const SLACK_TEST_SIGNING_SECRET = "slack-signing-secret-456";
export const MASTODON_TEST_TOKEN = "mastodon-token-for-tests";
export const PIXELFED_TEST_TOKEN = "pixelfed-token-for-tests";
export const LINKEDIN_TEST_TOKEN = "AQVlinkedin-token-for-tests";

/** Every literal secret above, and the shape of the Discord stand-in's interaction tokens. */
export const TEST_SECRETS: (string | RegExp)[] = [
  DISCORD_TEST_TOKEN,
  SLACK_TEST_TOKEN,
  SLACK_TEST_SIGNING_SECRET,
  MASTODON_TEST_TOKEN,
  PIXELFED_TEST_TOKEN,
  LINKEDIN_TEST_TOKEN,
  /token-\d{6,}/,
];
