import { createRequire } from "node:module";
import { type RedisOptions, SentinelConnector } from "ioredis";

type Standalone = typeof import("ioredis/built/connectors/StandaloneConnector.js").default;
type Connector = NonNullable<RedisOptions["Connector"]>;

// ioredis does not export its standalone connector from the package root; its CommonJS file is stable.
const require = createRequire(import.meta.url);
const { default: StandaloneConnector } = require("ioredis/built/connectors/StandaloneConnector.js") as {
  default: Standalone;
};

/**
 * ioredis's own connectors, plus a lasting 'error' listener on each socket. ioredis listens with
 * once(), but a TLS socket whose certificate we refused can fail twice (our refusal, then the
 * server's alert): the second error would have no listener and end the process. ioredis has
 * already reported the first one (and retries), so the later ones are dropped here.
 */
function lasting<S extends NodeJS.EventEmitter>(stream: S): S {
  stream.on("error", () => undefined);
  return stream;
}

class StandaloneWithListener extends StandaloneConnector {
  override async connect(...args: Parameters<InstanceType<Standalone>["connect"]>) {
    return lasting(await super.connect(...args));
  }
}

/** The same for a Sentinel-managed master (the sentinels' own clients already ignore errors). */
class SentinelWithListener extends SentinelConnector {
  override async connect(...args: Parameters<SentinelConnector["connect"]>) {
    return lasting(await super.connect(...args));
  }
}

export const TlsConnector = StandaloneWithListener as unknown as Connector;
export const SentinelTlsConnector = SentinelWithListener as unknown as Connector;
