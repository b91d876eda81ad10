import { startDiscord } from "../bots/discord/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import { COMMON_OPTIONS, configFromFlags, parse, requireRedisUrl, usage } from "./args.js";
import { shutdownSteps, stopSignal } from "./shutdown.js";

const HELP = `usage: llava-bot discord            run the Discord adapter (REDIS_URL, DISCORD_TOKEN)
       llava-bot discord register [--guild ID]   register the slash commands (globally, or in one guild at once)

The bot needs the "bot" and "applications.commands" scopes, and the Message Content intent for
mentions with text and auto-captions.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON_OPTIONS, guild: { type: "string" } });
  if (values.help) return usage(HELP);
  const stopRequested = stopSignal();
  const { config, secrets } = configFromFlags(values);
  if (!secrets.discordToken)
    throw new CodedError(
      ErrorCode.ConfigInvalid,
      "Set DISCORD_TOKEN (the bot token from the Discord developer portal).",
    );
  const sub = positionals[0];
  if (sub && sub !== "register")
    throw new CodedError(ErrorCode.BadRequest, `Unknown subcommand "${sub}". Run llava-bot discord --help.`);
  const redisUrl = requireRedisUrl(secrets, "discord", config.redis.prefix);
  const discord = await startDiscord({ config, secrets, redisUrl });
  if (sub === "register") {
    const n = await discord.register(values.guild);
    process.stdout.write(
      `registered ${n} slash commands ${values.guild ? `in guild ${values.guild}` : "globally (may take up to an hour to appear)"}\n`,
    );
    await discord.close();
    return 0;
  }
  process.stdout.write(`discord  connected as ${discord.client.user?.tag ?? "bot"}\n`);
  const stops = shutdownSteps();
  stops.add("discord", (workMs) => discord.close(workMs));
  await stopRequested;
  await stops.stopAll(config.engine.shutdownGraceMs);
  return 0;
}
