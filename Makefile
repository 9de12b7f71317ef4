# The two set-up commands of the README: `make demo` (a crawl into the default store) and
# `make test`. Both create .venv and install the project into it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install lock demo crawl test lint docs wheel bench redis scrapyd clean

$(BIN)/newscrawl: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]" -c requirements.lock
	touch $@

lock: install  ## pin every dependency again (after a change to pyproject.toml)
	$(BIN)/pip install --quiet --upgrade -e ".[test]"
	(head -2 requirements.lock; $(BIN)/pip freeze --exclude-editable | grep -v '^newscrawl') > requirements.lock.new
	mv requirements.lock.new requirements.lock

install: $(BIN)/newscrawl

demo: install  ## serve the offline replica and crawl it into ./data (no internet needed)
	$(BIN)/newscrawl demo

crawl: install  ## crawl the live site into the default store (MONGO_URI, else ./data)
	$(BIN)/scrapy crawl gbaf

test: install  ## also installs redis-server and chromium (Debian) when missing
	bash scripts/system-deps.sh
	bash scripts/test-all.sh

lint: install  ## ruff and mypy (settings in pyproject.toml)
	$(BIN)/ruff check newscrawl tests bench scripts
	$(BIN)/mypy

SCRAPYD_PORT ?= 6800
scrapyd: install  ## scrapyd in the foreground with the project installed (127.0.0.1:SCRAPYD_PORT, SQLite job history, auth from SCRAPYD_USERNAME/PASSWORD)
	mkdir -p data/scrapyd
	cp deploy/scrapyd.conf data/scrapyd/scrapyd.conf
	cd data/scrapyd && SCRAPYD_HTTP_PORT=$(SCRAPYD_PORT) SCRAPYD_BIND_ADDRESS=127.0.0.1 \
	    SCRAPY_SETTINGS_MODULE=newscrawl.settings exec $(CURDIR)/$(BIN)/scrapyd

redis:  ## a local Redis for cluster crawls (Debian: apt-get install redis-server); REDIS_URL=redis://127.0.0.1:6379/0
	mkdir -p data/redis
	redis-server --port 6379 --bind 127.0.0.1 --dir data/redis --appendonly yes --daemonize yes
	@echo "Redis on redis://127.0.0.1:6379/0 (stop: redis-cli shutdown)"

bench: install
	$(BIN)/python bench/crawl_bench.py
	$(BIN)/python bench/store_bench.py
	$(BIN)/python bench/export_bench.py
	$(BIN)/python bench/extraction_bench.py
	$(BIN)/python bench/incremental_bench.py
	$(BIN)/python bench/dupefilter_bench.py
	$(BIN)/python bench/report_bench.py
	$(BIN)/python bench/scale_bench.py
	$(BIN)/python bench/distributed_bench.py
	$(BIN)/python bench/render_bench.py
	$(BIN)/python bench/faults_bench.py
	$(BIN)/python bench/progress_bench.py

clean:
	rm -rf $(VENV) data .pytest_cache

docs: install  ## the documentation site into site/ (reference pages written from the code; warnings are errors)
	$(BIN)/python scripts/gen_reference.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

wheel: install  ## build the wheel and sdist into dist/, install the wheel in a fresh venv outside the checkout, run its demo
	bash scripts/wheel-check.sh
