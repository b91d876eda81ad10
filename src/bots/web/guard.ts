import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../../config/schema.js";
import { credentialsMatch, isLoopbackHost, passwordGate } from "../../core/basic-auth.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { WebSessions } from "./sessions.js";

/**
 * Who may talk to the playground, checked before any route runs: the Host header must be a name it
 * is served under (loopback, web.host, web.allowedHosts), so a page elsewhere cannot reach it
 * through DNS rebinding; anything but GET needs an Origin of that same host; with a password, basic
 * auth (wrong ones limited per address); and every request belongs to a server-issued session.
 */

export interface Passwords {
  password?: string | undefined;
  /** Signs in as an approver: may approve a post that publishes to a configured account. */
  approverPassword?: string | undefined;
}

/** Host header → host name, without the port (IPv6 keeps its brackets off). */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]"));
  return h.replace(/:\d+$/, "");
}

function hostAllowed(host: string | undefined, config: Config): boolean {
  if (!host) return false;
  const name = hostName(host);
  const own = config.web.host.toLowerCase();
  const wildcard = own === "0.0.0.0" || own === "::";
  return (
    isLoopbackHost(name) ||
    (!wildcard && name === hostName(own)) ||
    config.web.allowedHosts.some((h) => h.toLowerCase() === name)
  );
}

/** Whether an Origin header names the host the request was sent to. */
function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Why the playground may not listen where it is told to (one line saying how to fix it), or a
 * warning to log when it may but anyone who reaches it can use it.
 */
export function exposure(config: Config, passwords: Passwords): { refusal?: string; warning?: string } {
  const { host } = config.web;
  if (isLoopbackHost(host) || passwords.password || passwords.approverPassword) return {};
  if (config.web.public)
    return {
      warning: `the playground listens on ${host} without a password (web.public: true): anyone who reaches it can use the model`,
    };
  return {
    refusal: `The playground would listen on ${host} without a password: set WEB_PASSWORD (or web.public: true if a proxy asks for a login), or use web.host 127.0.0.1.`,
  };
}

export function assertExposure(config: Config, passwords: Passwords): void {
  const { refusal } = exposure(config, passwords);
  if (refusal) throw new CodedError(ErrorCode.ConfigInvalid, refusal);
}

export function installGuards(
  app: FastifyInstance,
  o: { config: Config; sessions: WebSessions } & Passwords,
) {
  const { config, sessions } = o;
  const sessionOf = new WeakMap<object, string>();

  app.addHook("onRequest", async (req, reply) => {
    if (!hostAllowed(req.headers.host, config))
      return reply.code(403).send("This playground does not answer to that host name.");
    if (req.method !== "GET" && req.method !== "HEAD" && !sameOrigin(req.headers.origin, req.headers.host))
      return reply.code(403).send("Requests from other sites are refused.");
  });

  const { password, approverPassword } = o;
  const user = config.web.user;
  const gate =
    password || approverPassword
      ? passwordGate<"approver" | "user">({
          realm: "llava-bot",
          accepts: (header) => {
            if (approverPassword && credentialsMatch(header, { password: approverPassword, user }))
              return "approver";
            if (password && credentialsMatch(header, { password, user })) return "user";
            return undefined;
          },
        })
      : undefined;
  if (gate) app.addHook("onRequest", gate.hook);

  app.addHook("onRequest", async (req, reply) => {
    let id = await sessions.resume(req.headers.cookie);
    if (!id) {
      id = await sessions.create();
      reply.header("set-cookie", sessions.cookie(id));
    }
    sessionOf.set(req, id);
  });

  return {
    /** The request's session (every request has one once the hooks have run). */
    session: (req: FastifyRequest): string => sessionOf.get(req) ?? "",
    /** Whether the request signed in with the approver password. */
    approver: (req: FastifyRequest): boolean => gate?.who(req) === "approver",
  };
}

export type Guards = ReturnType<typeof installGuards>;
