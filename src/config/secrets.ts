/**
 * Secrets come only from the environment. They are kept apart from Config so that printing,
 * logging or serialising the configuration can never leak one.
 */
export interface Secrets {
  redisUrl?: string;
  discordToken?: string;
  discordAppId?: string;
  slackBotToken?: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  openaiApiKey?: string;
  imagegenApiKey?: string;
  webPassword?: string;
  webApproverPassword?: string;
  dashboardPassword?: string;
  hfToken?: string;
  mastodonAccessToken?: string;
  blueskyAppPassword?: string;
  pixelfedAccessToken?: string;
  linkedinAccessToken?: string;
}

const ENV_NAMES: Record<keyof Secrets, string> = {
  redisUrl: "REDIS_URL",
  discordToken: "DISCORD_TOKEN",
  discordAppId: "DISCORD_APP_ID",
  slackBotToken: "SLACK_BOT_TOKEN",
  slackSigningSecret: "SLACK_SIGNING_SECRET",
  slackAppToken: "SLACK_APP_TOKEN",
  openaiApiKey: "OPENAI_API_KEY",
  imagegenApiKey: "IMAGEGEN_API_KEY",
  webPassword: "WEB_PASSWORD",
  webApproverPassword: "WEB_APPROVER_PASSWORD",
  dashboardPassword: "DASHBOARD_PASSWORD",
  hfToken: "HF_TOKEN",
  mastodonAccessToken: "MASTODON_ACCESS_TOKEN",
  blueskyAppPassword: "BLUESKY_APP_PASSWORD",
  pixelfedAccessToken: "PIXELFED_ACCESS_TOKEN",
  linkedinAccessToken: "LINKEDIN_ACCESS_TOKEN",
};

export function secretEnvNames(): Readonly<Record<keyof Secrets, string>> {
  return ENV_NAMES;
}

export function loadSecrets(env: NodeJS.ProcessEnv = process.env): Secrets {
  const out: Secrets = {};
  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof Secrets, string][]) {
    const value = env[name]?.trim();
    if (value) out[key] = value;
  }
  return out;
}
