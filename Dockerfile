# syntax=docker/dockerfile:1
# llava-bot: one image for every role; the command picks it (engine, discord, slack, web, start).
#   docker build -t llava-bot .
#   docker run --rm -e REDIS_URL=redis://:pass@redis:6379 -v llava-models:/models llava-bot engine
ARG NODE_IMAGE=node:24-bookworm-slim

# Stage 1: production dependencies exactly as locked (no dev tools, no lifecycle scripts beyond
# what package.json allows). onnxruntime-node's CUDA download stays off unless asked for with
# --build-arg ONNXRUNTIME_NODE_INSTALL=cuda12 (GPU engines; see README "Running at scale").
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
ARG ONNXRUNTIME_NODE_INSTALL=skip
RUN if [ "$ONNXRUNTIME_NODE_INSTALL" != "skip" ]; then \
      ONNXRUNTIME_NODE_INSTALL="$ONNXRUNTIME_NODE_INSTALL" node node_modules/onnxruntime-node/script/install; \
    fi

# Stage 2: the runtime. Code and dependencies belong to root and are read-only to the app, which
# runs as the unprivileged `node` user; it writes only to the two volumes.
# The ops server (/metrics, /healthz) keeps its default, loopback: it has no password, so it is
# opened only when told to (-e LLAVA_BOT__OPS__METRICS_HOST=0.0.0.0 for a Prometheus beside it).
FROM ${NODE_IMAGE} AS runtime
# MALLOC_ARENA_MAX: two glibc heap arenas keep a long-running bot's memory flat (bin/relaunch.js).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    LLAVA_BOT__MODEL__CACHE_DIR=/models \
    LLAVA_BOT__REDIS__STATE_DIR=/data/state \
    LLAVA_BOT__WEB__HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY config ./config
COPY assets ./assets
COPY src ./src
# make-test-model's generator (no dependencies): an image can be smoke-tested offline with it.
COPY tools ./tools
RUN mkdir -p /models /data && chown node:node /models /data
USER node
# /models: downloaded model weights (kept across restarts and shared by engines on one host).
# /data: state of `llava-bot start`'s private Redis, when it runs without REDIS_URL.
VOLUME ["/models", "/data"]
# web playground, Slack HTTP events (engine metrics on 9464 stay on loopback unless opened)
EXPOSE 8787 3000
ENTRYPOINT ["node", "bin/llava-bot.js"]
CMD ["start"]
