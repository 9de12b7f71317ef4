#!/usr/bin/env bash
# The package as a user gets it: build a wheel and an sdist (python -m build), install the
# wheel into a fresh virtual environment outside the checkout (dependencies pinned by
# requirements.lock), and run the demo there: the replica ships inside the package, and the
# store lands in the user's data folder, not in a checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
rm -rf dist
.venv/bin/python -m build --outdir dist . >/dev/null
ls dist/newscrawl-*.whl dist/newscrawl-*.tar.gz
version=$(.venv/bin/python -c "import newscrawl; print(newscrawl.__version__)")
test -f "dist/newscrawl-$version-py3-none-any.whl"
work=$(mktemp -d /tmp/newscrawl-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$(ls dist/newscrawl-*.whl)" -c requirements.lock
cd "$work"  # no scrapy.cfg above: the user's data folder
export XDG_DATA_HOME="$work/xdg" HOME="$work"
unset NEWSCRAWL_DATA_DIR MONGO_URI REDIS_URL
test "$("$work/venv/bin/newscrawl" --version)" = "newscrawl $version"
"$work/venv/bin/python" -c "import newscrawl, sys; assert newscrawl.__file__.startswith('$work/venv/'), newscrawl.__file__"
"$work/venv/bin/newscrawl" demo --port 0 | tee "$work/demo.log"
grep -q "stored" "$work/demo.log"
test -s "$work/xdg/newscrawl/demo/newscrawl.sqlite3"
n=$("$work/venv/bin/newscrawl" query --data-dir "$work/xdg/newscrawl/demo" --format jsonl --limit 1000 | wc -l)
echo "wheel check: newscrawl $version installed outside the checkout; its demo stored $n articles"
test "$n" -gt 10
