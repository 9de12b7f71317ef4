#!/usr/bin/env bash
# docker compose for the stack of deploy/compose.local.yml (nothing pulled; every service on the
# host's network), with any compose command after it:
#   scripts/local-images.sh                 # once: the images, built on a debootstrap'd bookworm
#   scripts/local-stack.sh up -d            # then as `docker compose`: ps, logs, exec, stop, down -v
# It merges docker-compose.yml with deploy/compose.local.yml and drops scrapyd's port binding,
# which docker-compose 1.29 refuses on the host's network (compose v2 ignores it there): the
# merged file holds the secrets, so it is private to this run and removed at its end.
# Variables come from .env, or from the environment (which wins, as in compose);
# LOCAL_STACK_ENV_FILE names another env file, LOCAL_STACK_FILES more compose files (the tests').
set -euo pipefail
cd "$(dirname "$0")/.."
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
project="${COMPOSE_PROJECT_NAME:-$(basename "$PWD")}"
merged="$(umask 077 && mktemp --suffix=.yml)"
trap 'rm -f "$merged"' EXIT
files=(-f docker-compose.yml -f deploy/compose.local.yml)
for extra in ${LOCAL_STACK_FILES:-}; do files+=(-f "$extra"); done
env_file=()
if [ -n "${LOCAL_STACK_ENV_FILE:-}" ]; then env_file=(--env-file "$LOCAL_STACK_ENV_FILE"); fi
"${compose[@]}" "${env_file[@]}" -p "$project" "${files[@]}" config > "$merged"
python3 - "$merged" <<'PY'
import sys, yaml
path = sys.argv[1]
stack = yaml.safe_load(open(path))
for service in stack["services"].values():
    if service.get("network_mode") == "host":
        service.pop("ports", None)
yaml.safe_dump(stack, open(path, "w"))
PY
"${compose[@]}" -p "$project" --project-directory . -f "$merged" "$@"
