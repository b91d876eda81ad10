// Each test worker's in-process logger: the code under test logs to stderr, and tests assert on
// behaviour, not on log lines. Child processes read LOG_LEVEL (vitest.config.ts) as ops.logLevel.
import { setLogLevel } from "../../src/log.js";

setLogLevel("silent");
