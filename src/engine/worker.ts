import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Config } from "../config/schema.js";
import type { Secrets } from "../config/secrets.js";
import {
  type DeliveryQueueName,
  deliveryQueueName,
  type Progress,
  type RequestJob,
  type ResultImage,
  requestJobSchema,
} from "../core/jobs.js";
import { CodedError, ErrorCode, isCodedError, newErrorId, userMessage } from "../errors.js";
import { loadImage } from "../images/load.js";
import { logger } from "../log.js";
import { createBlobStore } from "../queue/blobs.js";
import { STOPPED, stoppedBody, subscribeCancels } from "../queue/cancel.js";
import { bullConnection, checkEvictionPolicy, workerConnection } from "../queue/connection.js";
import { bullQueueName } from "../queue/names.js";
import { jobRetention } from "../queue/retention.js";
import { describeStatus } from "./model/status.js";
import { createOutbox } from "./outbox.js";
import { createPostActions } from "./post-actions.js";
import { throttle } from "./stream.js";

/** Commands whose answers stream into the chat; auto-captions and posts arrive in one piece. */
const STREAMED = new Set<RequestJob["command"]>(["describe", "ask", "chat"]);

import type { Engine } from "./types.js";

export interface EngineWorkerOptions {
  redisUrl: string;
  prefix: string;
  config: Config;
  engine: Engine;
  /** Publishing accounts, for approved posts (none: approvals end as "ready to post"). */
  secrets?: Secrets;
  /** Observes finished jobs (metrics). */
  onJobDone?: (info: {
    command: string;
    ms: number;
    outcome: "ok" | "user_error" | "failed" | "retry";
  }) => void;
}

export interface EngineWorker {
  worker: Worker;
  /** Stops taking jobs; the running ones get graceMs to finish, then are aborted and handed back. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The engine side of the queue: takes requests, runs them through the engine, stores result
 * images as blobs and enqueues the answer (or a friendly error) as a delivery. A request either
 * delivers or says why; user-caused failures are not retried.
 */
export function startEngineWorker(options: EngineWorkerOptions): EngineWorker {
  const { config, engine, prefix } = options;
  const redis = workerConnection(options.redisUrl);
  void checkEvictionPolicy(redis);
  const blobs = createBlobStore(redis, {
    prefix,
    ttlS: config.limits.blobTtlS,
    maxBytes: config.limits.maxImageBytes,
  });
  const postActions = createPostActions({
    redis,
    prefix,
    config,
    secrets: options.secrets ?? {},
    blobs,
    model: engine.model,
  });
  const outbox = createOutbox(options.redisUrl, prefix, jobRetention(config));
  const running = new Map<string, AbortController>();
  // A stop from the requester aborts generation; the job then answers with what it had so far.
  const stopped = new Set<string>();
  const cancels = subscribeCancels({ redisUrl: options.redisUrl, prefix }, (requestId) => {
    const controller = running.get(requestId);
    if (!controller) return;
    stopped.add(requestId);
    controller.abort(new CodedError(ErrorCode.Aborted, STOPPED));
  });

  /**
   * A request that needs the model while it is still loading goes back to the queue for a moment
   * (showing the load's progress) instead of holding a worker slot, so OCR, edits and image
   * generation behind it run at once. Once loading has failed, requests run and get its error.
   */
  async function waitForModel(job: Job<RequestJob>, request: RequestJob, token: string | undefined) {
    const loader = engine.loader;
    if (!loader || !engine.needsModel?.(request)) return;
    const state = loader.status().state;
    if (state === "ready" || state === "failed") return;
    void loader.ensure().catch(() => undefined); // logged by whoever started the load
    await job
      .updateProgress({
        stage: "loading model",
        detail: describeStatus(loader.status()),
        at: Date.now(),
      } satisfies Progress)
      .catch(() => undefined);
    await job.moveToDelayed(Date.now() + config.engine.modelWaitPollMs, token);
    throw new DelayedError();
  }

  async function process(job: Job<RequestJob>, token?: string): Promise<{ deliveredTo: DeliveryQueueName }> {
    const parsed = requestJobSchema.safeParse(job.data);
    if (!parsed.success) {
      logger().error({ jobId: job.id, issues: parsed.error.issues }, "invalid request job");
      throw new UnrecoverableError("invalid request job data");
    }
    const request = parsed.data;
    const deliveredTo = deliveryQueueName(request.platform);
    // Only a job that ran before (a crash, a stall, a retry) can have delivered already.
    if ((job.attemptsStarted ?? 0) > 1 || job.attemptsMade > 0) {
      if (await outbox.has(request)) return { deliveredTo };
    }
    await waitForModel(job, request, token);
    const started = performance.now();
    const controller = new AbortController();
    running.set(request.requestId, controller);
    const timeout = setTimeout(
      () => controller.abort(new CodedError(ErrorCode.Timeout, "job timed out")),
      config.engine.jobTimeoutMs,
    );
    const report = (stage: Progress["stage"], detail?: string, text?: string) =>
      void job
        .updateProgress({
          stage,
          ...(detail ? { detail } : {}),
          ...(text !== undefined ? { text } : {}),
          at: Date.now(),
        } satisfies Progress)
        .catch(() => undefined);
    // Partial answers ride on BullMQ's progress events: adapters already listen to them, each
    // event carries the whole text so far (a missed one costs nothing), and the events stream is
    // trimmed by BullMQ, so nothing per request is left in Redis. Display only: the final answer
    // still goes once through the deliveries queue.
    const partial = STREAMED.has(request.command)
      ? throttle((text) => report("writing", undefined, text), config.engine.streamIntervalMs)
      : undefined;
    let soFar = "";
    try {
      if (postActions.handles(request.command)) {
        // A click on a post: its stored state instead of images, and no skill.
        await outbox.deliver(request, await postActions.run(request, controller.signal, report));
        options.onJobDone?.({ command: request.command, ms: performance.now() - started, outcome: "ok" });
        return { deliveredTo };
      }
      const images = [];
      for (const ref of request.images) {
        const bytes = await blobs.get(ref.key);
        const image = await loadImage(bytes, {
          maxBytes: config.limits.maxImageBytes,
          maxPixels: config.limits.maxImagePixels,
          maxEdge: config.model.maxImageEdge,
        });
        // The blob key lets the model backend keep its small copy of the photo across requests.
        images.push({ ...image, key: ref.key });
      }
      const output = await engine.run(
        {
          command: request.command,
          args: request.args,
          text: request.text,
          images,
          history: request.history,
          ...(request.locale ? { locale: request.locale } : {}),
        },
        {
          signal: controller.signal,
          progress: report,
          onText: (text: string) => {
            soFar = text;
            partial?.push(text);
          },
        },
      );
      partial?.cancel();
      if (stopped.has(request.requestId)) {
        await outbox.deliver(request, stoppedBody(soFar));
        return { deliveredTo };
      }
      if (controller.signal.aborted)
        throw controller.signal.reason ?? new CodedError(ErrorCode.Aborted, "aborted");
      const results: ResultImage[] = [];
      if (output.images.length) report("uploading");
      for (const image of output.images) {
        const ref = await blobs.put(image.bytes, {
          mime: image.mime,
          width: image.width,
          height: image.height,
          name: image.filename,
        });
        results.push({ ...ref, altText: image.altText, filename: image.filename });
      }
      if (output.post) await postActions.remember(request, output.post, results);
      await outbox.deliver(request, {
        status: "ok",
        text: output.text,
        images: results,
        ...(output.post ? { post: output.post } : {}),
        ...(output.debug ? { debug: output.debug } : {}),
      });
      options.onJobDone?.({ command: request.command, ms: performance.now() - started, outcome: "ok" });
      return { deliveredTo };
    } catch (err) {
      if (stopped.has(request.requestId)) {
        await outbox.deliver(request, stoppedBody(soFar));
        return { deliveredTo };
      }
      const reason =
        controller.signal.aborted && isCodedError(controller.signal.reason) ? controller.signal.reason : err;
      const ms = performance.now() - started;
      if (isCodedError(reason) && reason.userFacing) {
        await outbox.deliver(request, {
          status: "error",
          error: { code: reason.code, message: reason.message },
        });
        options.onJobDone?.({ command: request.command, ms, outcome: "user_error" });
        return { deliveredTo };
      }
      const attempts = job.opts.attempts ?? 1;
      const last =
        job.attemptsMade + 1 >= attempts || (isCodedError(reason) && reason.code === ErrorCode.Timeout);
      if (!last) {
        logger().warn(
          { err: reason, requestId: request.requestId, attempt: job.attemptsMade + 1 },
          "request failed; will retry",
        );
        options.onJobDone?.({ command: request.command, ms, outcome: "retry" });
        throw reason;
      }
      const errorId = newErrorId();
      logger().error({ err: reason, errorId, requestId: request.requestId }, "request failed for good");
      await outbox.deliver(request, {
        status: "error",
        error: {
          code: isCodedError(reason) ? reason.code : ErrorCode.Internal,
          message: userMessage(reason, errorId),
          errorId,
        },
      });
      options.onJobDone?.({ command: request.command, ms, outcome: "failed" });
      throw new UnrecoverableError(`failed for good (error id ${errorId})`);
    } finally {
      partial?.cancel();
      clearTimeout(timeout);
      running.delete(request.requestId);
      stopped.delete(request.requestId);
    }
  }

  const worker = new Worker<RequestJob>(bullQueueName("requests"), process, {
    connection: bullConnection(options.redisUrl, "worker"),
    prefix,
    concurrency: config.engine.concurrency,
    lockDuration: config.engine.lockDurationMs,
    stalledInterval: config.engine.stalledIntervalMs,
    maxStalledCount: 2,
  });
  let lastError = 0;
  worker.on("error", (err) => {
    // During a Redis outage this fires on every reconnect attempt; once per burst is enough.
    if (Date.now() - lastError > 10_000) logger().warn({ err: err.message }, "engine worker error; retrying");
    lastError = Date.now();
  });

  return {
    worker,
    async close(graceMs = config.engine.shutdownGraceMs) {
      const closing = worker.close();
      const timer = setTimeout(() => {
        for (const c of running.values()) c.abort(new Error("engine shutting down"));
      }, graceMs);
      await closing;
      clearTimeout(timer);
      await outbox.close();
      cancels.close();
      redis.disconnect();
    },
  };
}
