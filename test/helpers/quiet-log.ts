// Each test worker's in-process logger writes to memory, not stderr (tests assert on behaviour,
// not on log lines), and after each file the whole of it is scanned for the tests' secrets and
// tokens. Child processes read LOG_LEVEL (vitest.config.ts) as ops.logLevel.
import { collectLog, scanLogAfterAll } from "./log-capture.js";

collectLog();
scanLogAfterAll();
