#!/usr/bin/env node
// The npm registry reachable here serves only linux-x64 builds of packages such as
// @biomejs/cli-* and @img/sharp-*, so `npm install` leaves the other platforms' optional
// dependencies out of package-lock.json and `npm ci` then refuses the lock as out of sync.
// This adds those entries back with their os/cpu/libc, so `npm ci` skips them on every
// machine they don't fit, as it would with a lock written against the public registry.
// Run after changing dependencies: node scripts/lock-platform-optionals.mjs
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;

const OS = [
  "android",
  "darwin",
  "freebsd",
  "linux",
  "linuxmusl",
  "netbsd",
  "openbsd",
  "sunos",
  "win32",
  "aix",
  "openharmony",
  "cygwin",
];
const CPU = ["arm64", "x64", "ia32", "arm", "ppc64", "riscv64", "s390x", "loong64", "mips64el", "wasm32"];

function platformOf(name) {
  const parts = name.toLowerCase().split(/[-/@]/);
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  const musl = parts.includes("musl") || parts.includes("linuxmusl");
  if (cpu === "wasm32") return { cpu: ["wasm32"] };
  return {
    ...(os ? { os: [os === "linuxmusl" ? "linux" : os] } : {}),
    ...(cpu ? { cpu: [cpu] } : {}),
    ...(os === "linux" || os === "linuxmusl" ? { libc: [musl ? "musl" : "glibc"] } : {}),
  };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
    if (packages[base] || packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform build: leave npm's decision alone
    packages[`node_modules/${dep}`] = {
      version: version.replace(/^[\^~=]/, ""),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-optionals: added ${added} entries`);
