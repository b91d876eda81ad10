import { Queue } from "bullmq";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bulkAdder } from "../../../src/queue/bulk-add.js";
import { bullConnection } from "../../../src/queue/connection.js";
import { dropPrefix, newRedis, redisUrl, uniquePrefix } from "../../helpers/redis.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const prefix = uniquePrefix("bulk");
  const queue = new Queue<{ n: number }>("things", {
    connection: bullConnection(redisUrl(), "queue"),
    prefix,
  });
  const redis = newRedis();
  cleanups.push(async () => {
    await queue.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  return { queue, add: bulkAdder(queue) };
}

describe("bulkAdder", () => {
  it("jobs added together go as one addBulk, each with its own options, and each caller gets its job", async () => {
    const { queue, add } = setup();
    const bulk = vi.spyOn(queue, "addBulk");
    const jobs = await Promise.all(
      [1, 2, 3, 4].map((n) => add({ name: "thing", data: { n }, opts: { jobId: `j${n}`, priority: n } })),
    );
    expect(bulk).toHaveBeenCalledTimes(1);
    expect(jobs.map((j) => j.id)).toEqual(["j1", "j2", "j3", "j4"]);
    const stored = await queue.getJob("j2");
    expect(stored?.data).toEqual({ n: 2 });
    expect(stored?.opts.priority).toBe(2);
    expect(await queue.getPrioritizedCount()).toBe(4);
  });

  it("a lone add, or a few, are plain adds", async () => {
    const { queue, add } = setup();
    const bulk = vi.spyOn(queue, "addBulk");
    const job = await add({ name: "thing", data: { n: 7 }, opts: { jobId: "alone" } });
    expect(job.id).toBe("alone");
    const pair = await Promise.all(
      ["a", "b"].map((id) => add({ name: "thing", data: { n: 1 }, opts: { jobId: id } })),
    );
    expect(pair.map((j) => j.id)).toEqual(["a", "b"]);
    expect(bulk).not.toHaveBeenCalled();
  });

  it("when the bulk add fails, each job is tried on its own: the bad one fails, the others are added", async () => {
    const { queue, add } = setup();
    const outcomes = await Promise.allSettled([
      add({ name: "thing", data: { n: 1 }, opts: { jobId: "good-1" } }),
      add({ name: "thing", data: { n: 2 }, opts: { jobId: "bad:id" } }),
      add({ name: "thing", data: { n: 3 }, opts: { jobId: "good-2" } }),
      add({ name: "thing", data: { n: 4 }, opts: { jobId: "good-3" } }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(await queue.getJob("good-1")).toBeDefined();
    expect(await queue.getJob("good-2")).toBeDefined();
    expect(await queue.getJob("bad:id")).toBeUndefined();
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/cannot contain :/);
  });
});
