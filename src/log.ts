import { type LevelWithSilent, type Logger, pino } from "pino";

/** Field names whose values are never written to the log. */
const REDACT = [
  "token",
  "*.token",
  "password",
  "*.password",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "secrets",
  "*.secrets",
  "apiKey",
  "*.apiKey",
];

let root: Logger | undefined;
// ops.logLevel sets it (src/cli/args.ts, once configuration is read); "info" until then.
let level: LevelWithSilent = "info";

export function logger(): Logger {
  // Logs go to stderr so CLI answers on stdout stay clean.
  root ??= pino({ level, redact: { paths: REDACT, censor: "[redacted]" } }, pino.destination(2));
  return root;
}

export function setLogLevel(next: LevelWithSilent): void {
  level = next;
  if (root) root.level = next;
}
