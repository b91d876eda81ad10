import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { opsSection } from "../../../src/config/sections/ops.js";

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

/** Dockerfile instructions grouped by stage (comments dropped, continuation lines joined). */
function stages(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const out: Stage[] = [];
  for (const line of lines) {
    const [op = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (op.toUpperCase() === "FROM") {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      out.push({ from: m?.[1] ?? args, ...(m?.[2] ? { name: m[2] } : {}), steps: [] });
    } else out.at(-1)?.steps.push({ op: op.toUpperCase(), args });
  }
  return out;
}

const dockerfile = stages(readFileSync("Dockerfile", "utf8"));
const final = dockerfile.at(-1) as Stage;

describe("Dockerfile", () => {
  it("has a dependency stage that installs production dependencies with npm ci", () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    const installs = dockerfile.filter((s) =>
      s.steps.some((i) => i.op === "RUN" && /\bnpm ci\b/.test(i.args)),
    );
    expect(installs.length).toBeGreaterThan(0);
    for (const s of installs) {
      const run = s.steps.find((i) => i.op === "RUN" && /\bnpm ci\b/.test(i.args));
      expect(run?.args).toMatch(/--omit=dev/);
      expect(s).not.toBe(final);
    }
    // The lockfile is what gets installed.
    const deps = installs[0] as Stage;
    expect(deps.steps.some((i) => i.op === "COPY" && i.args.includes("package-lock.json"))).toBe(true);
  });

  it("builds on Node 24, the active LTS, in every stage", () => {
    const text = readFileSync("Dockerfile", "utf8");
    const image = /^ARG NODE_IMAGE=(\S+)/m.exec(text)?.[1];
    expect(image).toMatch(/^node:24(\.|-|$)/);
    // Every stage starts from that image, so none is left on an older Node.
    const fromArg = ["$", "{NODE_IMAGE}"].join("");
    for (const s of dockerfile) expect(s.from).toBe(fromArg);
    const engines = JSON.parse(readFileSync("package.json", "utf8")).engines?.node;
    expect(engines).toBe(">=22");
  });

  it("runs as a non-root user in the final stage, with the installed modules copied in", () => {
    const users = final.steps.filter((i) => i.op === "USER").map((i) => i.args.split(":")[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(["root", "0"]).not.toContain(users.at(-1));
    // Nothing after USER switches back or installs packages.
    const afterUser = final.steps.slice(final.steps.findLastIndex((i) => i.op === "USER"));
    expect(afterUser.some((i) => i.op === "RUN" && /npm (ci|install)|apt-get/.test(i.args))).toBe(false);
    expect(final.steps.some((i) => i.op === "RUN" && /\bnpm (ci|install)\b/.test(i.args))).toBe(false);
    expect(final.steps.some((i) => i.op === "COPY" && /--from=\S+.*node_modules/.test(i.args))).toBe(true);
  });

  it("runs with two glibc heap arenas, so a long-running bot's memory stays flat (bench:soak)", () => {
    const env = final.steps
      .filter((i) => i.op === "ENV")
      .map((i) => i.args)
      .join(" ");
    expect(env).toMatch(/\bMALLOC_ARENA_MAX=2\b/);
  });

  it("keeps the model cache on a volume the app's user can write", () => {
    const env = final.steps
      .filter((i) => i.op === "ENV")
      .map((i) => i.args)
      .join(" ");
    const cache = /LLAVA_BOT__MODEL__CACHE_DIR=(\S+)/.exec(env)?.[1];
    expect(cache).toBeDefined();
    const volumes = final.steps.filter((i) => i.op === "VOLUME").map((i) => i.args);
    expect(volumes.join(" ")).toContain(`"${cache}"`);
    expect(final.steps.some((i) => i.op === "RUN" && i.args.includes(`chown node:node ${cache}`))).toBe(true);
    expect(final.steps.find((i) => i.op === "ENTRYPOINT")?.args).toContain("bin/llava-bot.js");
  });

  it("binds the ops server (/metrics, /healthz: no password) to loopback unless told otherwise", () => {
    const env = final.steps
      .filter((i) => i.op === "ENV")
      .map((i) => i.args)
      .join(" ");
    const host = /LLAVA_BOT__OPS__METRICS_HOST=(\S+)/.exec(env)?.[1];
    expect(host ?? opsSection.parse({}).metricsHost).toMatch(/^(127\.0\.0\.1|localhost|::1)$/);
    const exposed = final.steps.filter((i) => i.op === "EXPOSE").flatMap((i) => i.args.split(/\s+/));
    expect(exposed).not.toContain(String(opsSection.parse({}).metricsPort));
    // Nor does compose open it: no service sets a host for it.
    expect(readFileSync("compose.yaml", "utf8")).not.toMatch(/^\s*LLAVA_BOT__OPS__METRICS_HOST:/m);
  });

  it("leaves secrets, dependencies and tests out of the build context", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split(/\r?\n/);
    for (const entry of [".env", "node_modules", ".git", "test"]) expect(ignored).toContain(entry);
  });
});

/** docker-compose (Debian's package) or the docker compose plugin, whichever is installed. */
function composeCommand(): string[] | undefined {
  if (spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0) return ["docker-compose"];
  if (spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0)
    return ["docker", "compose"];
  return undefined;
}
const compose = composeCommand();

function composeConfig(files: string[], env: Record<string, string>) {
  const [bin = "", ...pre] = compose ?? [];
  const args = [...pre, ...files.flatMap((f) => ["-f", f]), "config", "-q"];
  const { PATH, HOME } = process.env;
  return spawnSync(bin, args, { encoding: "utf8", env: { PATH, HOME, ...env }, timeout: 60_000 });
}

describe("compose.yaml", () => {
  const file = parseYaml(readFileSync("compose.yaml", "utf8"), { merge: true }) as {
    services: Record<string, { command?: string[]; profiles?: string[]; deploy?: { replicas?: number } }>;
  };

  it("runs Redis with AOF and noeviction, several engines, both adapters and the playground", () => {
    const redis = file.services.redis?.command?.join(" ") ?? "";
    expect(redis).toMatch(/--appendonly yes/);
    expect(redis).toMatch(/--maxmemory-policy noeviction/);
    expect(file.services.engine?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(file.services["engine-gpu"]?.command).toEqual(["engine"]);
    expect(readFileSync("compose.yaml", "utf8")).toMatch(/#\s*runtime: nvidia[\s\S]*#\s+- driver: nvidia/);
    for (const [name, command] of [
      ["discord", "discord"],
      ["slack", "slack"],
      ["web", "web"],
    ])
      expect(file.services[name as string]?.command).toEqual([command]);
  });

  it.skipIf(!compose)(
    `is valid for ${compose?.join(" ") ?? "docker compose"} (config -q), alone and with the deploy/ overrides${compose ? "" : " — skipped: neither docker-compose nor the docker compose plugin is installed"}`,
    () => {
      for (const files of [["compose.yaml"], ["compose.yaml", "deploy/compose.external-vllm.yaml"]]) {
        const run = composeConfig(files, { REDIS_PASSWORD: "test-password" });
        expect(run.status, `${files.join(" + ")}: ${run.stderr}`).toBe(0);
      }
      const vllm = composeConfig(["deploy/vllm-server.compose.yaml"], { OPENAI_API_KEY: "k" });
      expect(vllm.status, vllm.stderr).toBe(0);
      const host = composeConfig(["deploy/compose.engine-host.yaml"], { REDIS_URL: "redis://r:6379" });
      expect(host.status, host.stderr).toBe(0);
      // Without a Redis password it refuses, saying which variable to set.
      const bare = composeConfig(["compose.yaml"], {});
      expect(bare.status).not.toBe(0);
      expect(bare.stderr).toContain("REDIS_PASSWORD");
    },
    120_000,
  );

  it.skipIf(!compose)(
    "publishes the playground on 127.0.0.1 only, unless WEB_BIND says otherwise",
    () => {
      const webPorts = (env: Record<string, string>) => {
        const [bin = "", ...pre] = compose ?? [];
        const { PATH, HOME } = process.env;
        const run = spawnSync(bin, [...pre, "-f", "compose.yaml", "config"], {
          encoding: "utf8",
          env: { PATH, HOME, REDIS_PASSWORD: "test-password", ...env },
          timeout: 60_000,
        });
        expect(run.status, run.stderr).toBe(0);
        const ports = (parseYaml(run.stdout) as { services: { web: { ports: unknown[] } } }).services.web
          .ports;
        // docker-compose 1 writes "ip:published:target/proto"; the compose plugin writes objects.
        return ports.map((p) =>
          typeof p === "string" ? p.split(":")[0] : ((p as { host_ip?: string }).host_ip ?? "0.0.0.0"),
        );
      };
      expect(webPorts({})).toEqual(["127.0.0.1"]);
      expect(webPorts({ WEB_BIND: "0.0.0.0" })).toEqual(["0.0.0.0"]);
    },
    120_000,
  );
});
