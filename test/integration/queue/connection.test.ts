import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { Engine } from "../../../src/engine/types.js";
import { startEngineWorker } from "../../../src/engine/worker.js";
import { startDeliveryWorker } from "../../../src/queue/delivery-worker.js";
import { createProducer } from "../../../src/queue/producer.js";
import {
  findRedisServer,
  freePort,
  type RedisServer,
  startRedisServer,
} from "../../../src/queue/redis-server.js";
import { SentinelTlsConnector, TlsConnector } from "../../../src/queue/tls-connector.js";
import { recordingAdapter, request, testConfig, waitFor } from "../../helpers/queue.js";

/**
 * REDIS_URL forms past one local server, against real redis-server processes started here on
 * free ports: a password, TLS with a certificate made for the test, and Sentinel.
 */
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `llava-bot-${label}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const answering: Engine = {
  model: {
    id: "echo",
    load: async () => {},
    generate: async () => ({ text: "", promptTokens: 0, completionTokens: 0, finishReason: "stop" }),
    dispose: async () => {},
  },
  run: async (r) => ({ text: `answer to ${r.text}`, images: [] }),
  close: async () => {},
};

/** Producer → requests → engine worker → deliveries → delivery worker, all on `url`. */
async function roundTrip(url: string, prefix = `conn-${Date.now()}`): Promise<string> {
  const config = testConfig();
  const producer = createProducer({ redisUrl: url, prefix, config });
  const adapter = recordingAdapter();
  const engine = startEngineWorker({ redisUrl: url, prefix, config, engine: answering });
  const delivery = startDeliveryWorker({ redisUrl: url, prefix, platform: "cli", adapter });
  cleanups.push(async () => {
    await engine.close(0);
    await delivery.close();
    await producer.close();
  });
  await producer.submit(request({ text: "ping" }));
  await waitFor(() => adapter.posted.length === 1, 15_000, "the delivery");
  return adapter.posted[0]?.text ?? "";
}

/** A submit that must fail (bad password, untrusted certificate), with the error it failed with. */
async function failedSubmit(url: string): Promise<Error> {
  const producer = createProducer({ redisUrl: url, prefix: `conn-${Date.now()}`, config: testConfig() });
  // Closing a client within milliseconds of a refused TLS handshake can make ioredis drop a second
  // TLS alert with no listener (an uncaught error in this process); let the handshakes settle first.
  cleanups.push(async () => {
    await new Promise((r) => setTimeout(r, 1000));
    await producer.close();
  });
  const outcome = await Promise.race([
    producer.submit(request()).then(
      () => new Error("submit succeeded"),
      (err: Error) => err,
    ),
    new Promise<Error>((r) => setTimeout(() => r(new Error("submit hung")), 10_000)),
  ]);
  return outcome;
}

/** Whether this redis-server was built with TLS: an unknown tls-port directive ends it at once. */
function redisHasTls(binary: string): boolean {
  const probe = spawnSync(binary, ["-"], {
    input: 'port 0\ntls-port 0\nsave ""\n',
    timeout: 1500,
    encoding: "utf8",
  });
  return !/Bad directive|TLS is not supported|not compiled/i.test(`${probe.stdout}${probe.stderr}`);
}

const binary = findRedisServer();
const tlsReason = !binary
  ? "no redis-server on this machine"
  : !redisHasTls(binary)
    ? "this redis-server was built without TLS"
    : spawnSync("openssl", ["version"]).status !== 0
      ? "no openssl to make a certificate"
      : undefined;

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl in `dir`. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=llava-bot test redis",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}

describe("Redis connections", () => {
  it("a password-protected server: REDIS_URL with the password works end to end, a wrong one fails", async () => {
    const dir = tempDir("auth");
    const server = await startRedisServer({ dir, appendOnly: false, password: "s3cret/pass word" });
    cleanups.push(() => server.stop());
    expect(server.url).toContain(":s3cret%2Fpass%20word@");
    expect(await roundTrip(server.url)).toBe("answer to ping");
    const err = await failedSubmit(server.url.replace("s3cret", "wrong"));
    expect(err.message).toMatch(/WRONGPASS|invalid username-password|NOAUTH/i);
  }, 40_000);

  it.skipIf(tlsReason !== undefined)(
    `a TLS server (rediss://) with a self-signed certificate, trusted through ca=${tlsReason ? ` (skipped: ${tlsReason})` : ""}`,
    async () => {
      const dir = tempDir("tls");
      const { cert, key } = selfSigned(dir);
      const server = await startRedisServer({
        dir,
        appendOnly: false,
        password: "tls-pass",
        tls: { certFile: cert, keyFile: key, caFile: cert },
      });
      cleanups.push(() => server.stop());
      expect(server.url.startsWith("rediss://")).toBe(true);
      expect(await roundTrip(`${server.url}?ca=${encodeURIComponent(cert)}`)).toBe("answer to ping");
      // Without the CA the self-signed certificate is not trusted: a clear failure, never plain text.
      const err = await failedSubmit(server.url);
      expect(err.message).toMatch(/self[- ]signed|certificate/i);
    },
    60_000,
  );

  it.skipIf(spawnSync("openssl", ["version"]).status !== 0)(
    "a TLS socket that fails more than once (our refusal, then the server's alert) does not end the process",
    async () => {
      const { cert, key } = selfSigned(tempDir("tls-twice"));
      const server = createTlsServer({ cert: readFileSync(cert), key: readFileSync(key) });
      server.on("tlsClientError", () => undefined);
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      cleanups.push(() => new Promise((r) => server.close(r)));
      const { port } = server.address() as AddressInfo;
      // No CA given: the self-signed certificate is refused, which ioredis hears once.
      const connector = new TlsConnector({ host: "127.0.0.1", port, tls: {} });
      const stream = await connector.connect(() => undefined);
      await new Promise((r) => stream.once("close", r));
      expect(connector.firstError?.message).toMatch(/self[- ]signed|certificate/i);
      // ioredis's own listeners are once() listeners: without the lasting one, this would be thrown.
      for (let i = 0; i < 2; i++) {
        expect(() => stream.emit("error", new Error("tlsv1 alert decode error"))).not.toThrow();
      }
      connector.disconnect();
    },
    20_000,
  );

  it.skipIf(!binary)(
    "Sentinel: redis+sentinel:// finds the master through the sentinel",
    async () => {
      const dir = tempDir("sentinel");
      const master = await startRedisServer({ dir: join(dir, "master"), appendOnly: false });
      cleanups.push(() => master.stop());
      const port = await freePort();
      const conf = join(dir, "sentinel.conf");
      writeFileSync(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor llavamaster 127.0.0.1 ${master.port} 1`,
          "sentinel down-after-milliseconds llavamaster 5000",
          "",
        ].join("\n"),
      );
      const sentinel: ChildProcess = spawn(binary as string, [conf, "--sentinel"], { stdio: "ignore" });
      cleanups.push(
        () =>
          new Promise<void>((r) => {
            if (sentinel.exitCode !== null) return r();
            sentinel.once("exit", () => r());
            sentinel.kill("SIGTERM");
          }),
      );
      expect(await roundTrip(`redis+sentinel://127.0.0.1:${port}/llavamaster`)).toBe("answer to ping");
      // The connector rediss+sentinel:// uses finds the master the same way, and keeps its socket's
      // extra errors (a refused certificate, then the server's alert) from ending the process.
      const client = new Redis({
        sentinels: [{ host: "127.0.0.1", port }],
        name: "llavamaster",
        Connector: SentinelTlsConnector,
      });
      client.on("error", () => undefined); // the first emitted error reaches the client, as ioredis reports it
      cleanups.push(() => client.quit());
      expect(await client.ping()).toBe("PONG");
      const stream = (client as unknown as { connector: { stream: NodeJS.EventEmitter } }).connector.stream;
      for (let i = 0; i < 3; i++) {
        expect(() => stream.emit("error", new Error("tlsv1 alert decode error"))).not.toThrow();
      }
    },
    40_000,
  );

  it.skipIf(!binary)(
    "Redis Cluster: redis+cluster:// with a {hash tag} prefix works end to end; a plain prefix is refused at start",
    async () => {
      const dir = tempDir("cluster");
      const nodes: RedisServer[] = [];
      for (let i = 0; i < 3; i++) {
        const node = await startRedisServer({
          dir: join(dir, `n${i}`),
          appendOnly: false,
          extraArgs: ["--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${i}.conf`)],
        });
        cleanups.push(() => node.stop());
        nodes.push(node);
      }
      const cli = (...args: string[]) => execFileSync("redis-cli", args, { encoding: "utf8" });
      cli(
        "--cluster",
        "create",
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      );
      await waitFor(
        () => nodes.every((n) => cli("-p", String(n.port), "cluster", "info").includes("cluster_state:ok")),
        15_000,
        "the cluster to form",
      );
      const url = `redis+cluster://127.0.0.1:${nodes[0]?.port},127.0.0.1:${nodes[1]?.port}`;
      await expect(roundTrip(url, "llava-bot")).rejects.toThrow(/redis\.prefix.*"\{llava-bot\}"/);
      expect(await roundTrip(url, `{conn-${Date.now()}}`)).toBe("answer to ping");
    },
    60_000,
  );
});
