#!/usr/bin/env bash
# Debian packages the tests start themselves: redis-server (cluster tests) and chromium
# (rendering tests). Installed with apt-get when missing and we are root; otherwise say how.
set -euo pipefail
missing=""
command -v redis-server >/dev/null || missing="$missing redis-server"
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing="$missing chromium"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing$missing (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "The tests need$missing: sudo apt-get install -y$missing" >&2
    exit 1
fi
