import { type DestinationStream, type LevelWithSilent, type Logger, pino } from "pino";
import { redactText, withSafeErrors } from "./redact.js";

/** Field names whose values are never written to the log. */
const REDACT = [
  "token",
  "*.token",
  "password",
  "*.password",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.Authorization",
  "*.headers.Authorization",
  "secrets",
  "*.secrets",
  "apiKey",
  "*.apiKey",
  "requestBody",
  "*.requestBody",
];

let root: Logger | undefined;
// ops.logLevel sets it (src/cli/args.ts, once configuration is read); "info" until then.
let level: LevelWithSilent = "info";
let destination: DestinationStream | undefined;

export function logger(): Logger {
  // Logs go to stderr so CLI answers on stdout stay clean. Errors anywhere in a record become a
  // summary (redact.ts), and every line is redacted by pattern on its way out, message included:
  // a token in a string cannot hide from a field-name rule.
  root ??= pino(
    {
      level,
      redact: { paths: REDACT, censor: "[redacted]" },
      serializers: { err: (err: unknown) => withSafeErrors(err) },
      formatters: { log: (record) => withSafeErrors(record) as Record<string, unknown> },
      hooks: { streamWrite: redactText },
    },
    destination ?? pino.destination(2),
  );
  return root;
}

export function setLogLevel(next: LevelWithSilent): void {
  level = next;
  if (root) root.level = next;
}

/** Where the log goes from now on (tests collect it to check what it holds); stderr when unset. */
export function setLogDestination(next: DestinationStream | undefined): void {
  destination = next;
  root = undefined;
}
