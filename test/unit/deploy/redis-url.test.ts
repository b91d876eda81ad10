import { describe, expect, it } from "vitest";
import { checkRedisTarget } from "../../../src/queue/connection.js";
import { describeRedisUrl, parseRedisUrl, redisOptions } from "../../../src/queue/redis-url.js";

describe("REDIS_URL forms", () => {
  it("one server, with user, password and database", () => {
    expect(parseRedisUrl("redis://app:p%40ss@cache.internal:6380/2")).toMatchObject({
      mode: "standalone",
      tls: false,
      nodes: [{ host: "cache.internal", port: 6380 }],
      username: "app",
      password: "p@ss",
      db: 2,
    });
    expect(parseRedisUrl("redis://:only-password@[::1]")).toMatchObject({
      nodes: [{ host: "::1", port: 6379 }],
      password: "only-password",
    });
  });

  it("TLS with a private CA and a server name", () => {
    const t = parseRedisUrl("rediss://10.0.0.5:6380?ca=/etc/redis/ca.pem&servername=redis.internal");
    expect(t).toMatchObject({
      tls: true,
      ca: "/etc/redis/ca.pem",
      servername: "redis.internal",
      verify: true,
    });
  });

  it("Sentinel: the sentinels, the master's name, a database and the sentinels' own password", () => {
    const t = parseRedisUrl("redis+sentinel://:pw@s1,s2:26380/mymaster/1", { REDIS_SENTINEL_PASSWORD: "sp" });
    expect(t).toMatchObject({
      mode: "sentinel",
      nodes: [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26380 },
      ],
      name: "mymaster",
      db: 1,
      password: "pw",
      sentinelPassword: "sp",
    });
    expect(redisOptions(t)).toMatchObject({ name: "mymaster", sentinels: t.nodes, sentinelPassword: "sp" });
  });

  it("Cluster: seed nodes", () => {
    expect(parseRedisUrl("rediss+cluster://n1:7000,n2:7001")).toMatchObject({
      mode: "cluster",
      tls: true,
      nodes: [
        { host: "n1", port: 7000 },
        { host: "n2", port: 7001 },
      ],
    });
  });

  it("says what is wrong with a URL it cannot use", () => {
    expect(() => parseRedisUrl("http://x")).toThrow(/not a Redis URL/);
    expect(() => parseRedisUrl("redis://a:1,b:2")).toThrow(/redis\+sentinel|redis\+cluster/);
    expect(() => parseRedisUrl("redis+sentinel://s1:26379")).toThrow(/names no master/);
    expect(() => parseRedisUrl("redis+cluster://n1/3")).toThrow(/only database 0/);
    expect(() => parseRedisUrl("redis://h?tls=1")).toThrow(/unknown option "tls"/);
    expect(() => parseRedisUrl("redis://h?ca=/x.pem")).toThrow(/not rediss/);
  });

  it("a password with an unencoded @ and : fails without printing any part of it", () => {
    const url = "redis://:p@ss:w0rd@localhost:6379";
    let message = "";
    try {
      parseRedisUrl(url);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^REDIS_URL has an @ in its user name or password; write it as %40/);
    for (const piece of ["p@ss", "ss:w0rd", "w0rd", ":p@", "localhost"]) expect(message).not.toContain(piece);
    expect(describeRedisUrl(url)).not.toMatch(/p@ss|w0rd/);
  });

  it("no message quotes the URL after the scheme, whichever part is wrong", () => {
    const secret = "S3cr3tPart";
    for (const url of [
      `redis://:pw@[${secret}:6379`,
      `redis://:pw@h:${secret}`,
      `redis://:pw@h:99999${secret.replace(/\D/g, "")}`,
      `redis://:pw@h/${secret}`,
      `redis://:pw@h/0/${secret}`,
      `redis+sentinel://:pw@s1/m/0/${secret}`,
      `redis://:pw@h?${secret}:x=1`,
    ]) {
      expect(() => parseRedisUrl(url), url).toThrow(/^REDIS_URL /);
      try {
        parseRedisUrl(url);
      } catch (err) {
        expect((err as Error).message, url).not.toContain(secret);
        expect((err as Error).message, url).not.toContain("pw");
      }
    }
  });

  it("prints without secrets", () => {
    expect(describeRedisUrl("rediss+sentinel://u:secret@s1,s2/main/3?sentinelPassword=x")).toBe(
      "rediss+sentinel://s1:26379,s2:26379/main/3",
    );
  });
});

describe("Redis Cluster key prefix", () => {
  it("must be a {hash tag}, checked at start-up with the fix in the message", () => {
    expect(() => checkRedisTarget("redis+cluster://n1:7000", "llava-bot")).toThrow(
      /Redis Cluster needs redis\.prefix .*"\{llava-bot\}".*LLAVA_BOT__REDIS__PREFIX/,
    );
    expect(() => checkRedisTarget("redis+cluster://n1:7000", "{llava-bot}")).not.toThrow();
    expect(() => checkRedisTarget("redis+cluster://n1:7000", "{llava-bot}:eu")).not.toThrow();
    // Not needed (and not enforced) off Cluster.
    expect(() => checkRedisTarget("redis://h:6379", "llava-bot")).not.toThrow();
  });
});
