# Redis from Debian's package, for deploy/compose.local.yml (where redis:7.2.5-alpine cannot
# be pulled); the redis service's command and healthcheck are the production file's.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
