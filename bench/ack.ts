/**
 * npm run bench:ack — how fast the real adapters acknowledge platform events under load.
 *
 * Discord: 50 slash commands with an image, dispatched at once through the stand-in's gateway to
 * the real discord.js client; the ack is the interaction callback (deferReply) reaching the
 * stand-in. Slack: 50 signed app_mention events with a file, posted at once to the real Bolt app
 * in HTTP mode from a process of its own (slack-sender.ts), each on a new connection; the ack is
 * Bolt's HTTP response to the event, timed by that process. Both adapters then download, check
 * and store each image and submit it, all concurrently, which is the load the acks must not wait
 * behind. "queued" is when the request's job appeared in Redis (polled), for contrast.
 * Goal: ack p99 under 100 ms (Discord and Slack allow 3 s).
 */
import { Redis } from "ioredis";
import { colourPhoto } from "../test/helpers/images.js";
import { ackTable, discordRounds, EVENTS, ROUNDS, slackRounds } from "./ack-rounds.js";
import { benchRedis } from "./redis.js";

const redis = await benchRedis();
try {
  const photo = await colourPhoto(
    "blue",
    Number(process.env.BENCH_W ?? 640),
    Number(process.env.BENCH_H ?? 480),
  );
  const upload = { bytes: photo, name: "photo.png", type: "image/png" };
  const db = new Redis(redis.url);
  const discord = await discordRounds(redis.url, db, () => upload);
  const slack = await slackRounds(redis.url, db, () => upload);
  db.disconnect();
  console.log(
    `bench:ack — ${EVENTS} concurrent events with a 640×480 image per round, ${ROUNDS} rounds after a warm-up (${EVENTS * ROUNDS} samples per adapter); Redis ${redis.url}\n`,
  );
  console.log(ackTable(discord, slack));
} finally {
  await redis.stop();
}
