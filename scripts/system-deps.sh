#!/usr/bin/env bash
# What the tests start themselves, installed when missing:
# - Debian packages redis-server (cluster tests), chromium (rendering tests), prometheus and
#   prometheus-pushgateway (metrics tests, promtool for the alert rules), with apt-get
#   when we are root; otherwise it says how;
# - .venv-mongo: Python 3.13 with mongoeco[wire] (pinned), the MongoDB wire-protocol server
#   the MongoDB tests talk to over a socket (scripts/mongo_wire_server.py). Python 3.13 comes
#   from pyenv or the PATH; without it the MongoDB-over-the-wire tests are skipped, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=""
command -v redis-server >/dev/null || missing="$missing redis-server"
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing="$missing chromium"
command -v prometheus >/dev/null || missing="$missing prometheus"
command -v prometheus-pushgateway >/dev/null || missing="$missing prometheus-pushgateway"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing$missing (apt-get)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
        echo "The tests need$missing: sudo apt-get install -y$missing" >&2
        exit 1
    fi
fi
# .venv-pywb: Webrecorder's pywb (pinned), the replay server the web archive's interoperability
# test runs on our WARC files and CDXJ index (its own venv: it pins redis 2.x and fakeredis<1).
PYWB="pywb==2.10.0"
if [ ! -x .venv-pywb/bin/wayback ]; then
    echo "Installing $PYWB into .venv-pywb"
    rm -rf .venv-pywb
    python3 -m venv .venv-pywb
    .venv-pywb/bin/pip install --quiet --disable-pip-version-check "$PYWB"
fi
MONGOECO="mongoeco[wire]==4.11.0"
if [ ! -x .venv-mongo/bin/python ] || ! .venv-mongo/bin/python -c "import mongoeco.wire.proxy" 2>/dev/null; then
    py313=""
    for candidate in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13 2>/dev/null) python3.13; do
        if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1; then
            py313="$candidate"; break
        fi
    done
    if [ -z "$py313" ]; then
        echo "No Python 3.13 found: the MongoDB wire-protocol tests will be skipped (pyenv install 3.13)" >&2
        exit 0
    fi
    echo "Installing $MONGOECO into .venv-mongo ($py313)"
    rm -rf .venv-mongo
    "$py313" -m venv .venv-mongo
    .venv-mongo/bin/pip install --quiet --disable-pip-version-check "$MONGOECO"
fi
