#!/usr/bin/env bash
# The images of deploy/compose.local.yml where nothing can be pulled: a Debian bookworm base
# made with debootstrap (root; apt-get install debootstrap), then the compose file's own
# builds on it (newscrawl, Redis, Prometheus and the Pushgateway), with Debian's
# docker-compose 1.29 or compose v2, whichever is here. A registry behind a TLS proxy: put its
# CA bundle at deploy/build-ca.pem first (the Dockerfile says why it never reaches the image).
set -euo pipefail
cd "$(dirname "$0")/.."
base="${NEWSCRAWL_BASE_IMAGE:-newscrawl-base:bookworm}"
if ! docker image inspect "$base" >/dev/null 2>&1; then
    root="$(mktemp -d)"
    trap 'rm -rf "$root"' EXIT
    debootstrap --variant=minbase bookworm "$root/bookworm" >/dev/null
    tar -C "$root/bookworm" -c . | docker import - "$base" >/dev/null
fi
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
# the secrets are not needed to build: placeholders satisfy the compose file's ${VAR:?} checks
env MONGO_ROOT_USER=build MONGO_ROOT_PASSWORD=build REDIS_PASSWORD=build SCRAPYD_USERNAME=build \
    SCRAPYD_PASSWORD=build GRAFANA_ADMIN_PASSWORD=build MONGO_HOST=build \
    "${compose[@]}" -f docker-compose.yml -f deploy/compose.local.yml build scrapyd redis pushgateway
