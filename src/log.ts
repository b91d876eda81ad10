import { type Logger, pino } from "pino";

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

export function createLogger(level = process.env.LOG_LEVEL ?? "info"): Logger {
  // Logs go to stderr so CLI answers on stdout stay clean.
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" } }, pino.destination(2));
}

export function logger(): Logger {
  root ??= createLogger();
  return root;
}

export function setLogger(next: Logger): void {
  root = next;
}
