import { CodedError, isCodedError, newErrorId } from "./errors.js";
import { redactText } from "./redact.js";

/**
 * One entry point. Each command lives in src/cli/<name>.ts and exports
 * `run(argv: string[]): Promise<number>`; modules load lazily so `describe` never pays for discord.js.
 */
const COMMANDS = {
  describe: () => import("./cli/describe.js"),
  ask: () => import("./cli/ask.js"),
  ocr: () => import("./cli/ocr.js"),
  edit: () => import("./cli/edit.js"),
  detect: () => import("./cli/detect.js"),
  segment: () => import("./cli/segment.js"),
  start: () => import("./cli/start.js"),
  engine: () => import("./cli/engine.js"),
  web: () => import("./cli/web.js"),
  slack: () => import("./cli/slack.js"),
  discord: () => import("./cli/discord.js"),
  generate: () => import("./cli/generate.js"),
  post: () => import("./cli/post.js"),
  count: () => import("./cli/count.js"),
  scheduled: () => import("./cli/scheduled.js"),
  models: () => import("./cli/models.js"),
  "make-test-model": () => import("./cli/make-test-model.js"),
} satisfies Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>>;

type CommandName = keyof typeof COMMANDS;

const USAGE = `usage: llava-bot <command> [options]

  start [--model ID|PATH] [--port N]    Redis (or REDIS_URL), engine, adapters with credentials, web playground
  engine                                 an engine worker on the requests queue
  discord [register [--guild ID]]        the Discord adapter, or register its slash commands
  slack                                  the Slack adapter
  web [--port N]                         the web playground adapter
  describe <image> [--model ID|PATH] [--json]
  ask <image> "<question>" [--model ID|PATH] [--json]
  ocr <image> [--json]
  edit <image> ["warmer and square"] [--look NAME] [--cutout] [...] -o <file>
  detect <image> "<what>" [--json] [-o <file>]   boxes of what the words name, drawn with -o
  segment <image> "<what>" [--json] [-o <file>]  masks of what the words name; -o writes a PNG mask
  generate "<prompt>" -o <file>
  post <image> --platform NAME [--tone T] [--variants N] [--look L] [--lang L] -o <dir>
  post <image> --publish TARGET [--pick N]   publish one caption (mastodon|bluesky|pixelfed|linkedin), prints the URL
  post <image> --publish TARGET --pick N --at "tomorrow 9am" [--tz ZONE] [--dry-run]   schedule it
  scheduled [list|cancel ID]             the posts waiting for their time; cancel one
  count "<text>" --platform NAME        the length as that network counts it, and its limit
  models check [ID|PATH] [--dtype D]     what a model needs, whether it is there, one test generation
  models pull ID [--dtype D]             download a hub model into the cache, with progress
  make-test-model <dir> [--family F]     writes a tiny offline test model (llava|onevision|llava-qwen2|grounding-dino|sam|modnet)

Run llava-bot <command> --help for a command's options. With --stack-trace anywhere on the line, a
command that fails also prints the stack trace of what went wrong.`;

const STACK_TRACE = "--stack-trace";

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv.filter((a) => a !== STACK_TRACE);
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  if (!isCommand(name)) {
    process.stderr.write(`llava-bot: unknown command "${name}". Run llava-bot --help for the list.\n`);
    return 2;
  }
  const mod = await COMMANDS[name]();
  return mod.run(rest);
}

/**
 * One clear line for anything that goes wrong; the stack only with --stack-trace. Both are
 * redacted like the log (redact.ts): an error from a client library may quote a URL or a header.
 */
function report(err: unknown, stackTrace: boolean): number {
  const say = (text: string) => process.stderr.write(redactText(text));
  if (isCodedError(err)) {
    say(`llava-bot: ${err.message}\n`);
    if (stackTrace && err.cause) say(`${String((err.cause as Error).stack ?? err.cause)}\n`);
    return err instanceof CodedError && err.userFacing ? 1 : 3;
  }
  const id = newErrorId();
  say(
    `llava-bot: unexpected error (error id ${id}): ${(err as Error)?.message ?? String(err)}. Run it again with ${STACK_TRACE} for details.\n`,
  );
  if (stackTrace) say(`${(err as Error)?.stack ?? ""}\n`);
  return 3;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = report(err, argv.includes(STACK_TRACE));
  },
);
