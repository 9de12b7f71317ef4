# Prometheus and the Pushgateway from Debian's packages, for deploy/compose.local.yml (where
# prom/prometheus and prom/pushgateway cannot be pulled).
ARG BASE=debian:bookworm-slim
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends prometheus prometheus-pushgateway wget \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
