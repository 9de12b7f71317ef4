# One image for every newscrawl service of docker-compose.yml: scrapyd (with the project
# installed from its wheel: no egg to deploy), the scheduler, the cluster workers.
#
# BASE: the official image by default; any Debian bookworm works (the tests build one with
# debootstrap, as nothing can be pulled there): python3 is installed from Debian when the
# base has none. Dependencies are the pinned ones of requirements.lock. A registry behind a
# TLS proxy: put its CA bundle at deploy/build-ca.pem (git-ignored); only the discarded
# build stage reads it, the image never holds it:
#   cp /etc/ssl/certs/ca-certificates.crt deploy/build-ca.pem && docker compose build
ARG BASE=python:3.11.10-slim-bookworm
FROM ${BASE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBIAN_FRONTEND=noninteractive \
    SCRAPY_SETTINGS_MODULE=newscrawl.settings PATH=/opt/venv/bin:$PATH \
    NEWSCRAWL_DATA_DIR=/data
# Debian's chromium for the pages that need rendering (Playwright's own download is not used)
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium ca-certificates \
       $(command -v python3 >/dev/null || echo python3 python3-venv) \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 newscrawl

# The wheel, built from the sources as CI builds it (python -m build), and every pinned
# dependency as a wheel beside it; only the wheels leave this stage: the image holds the
# installed package, not a checkout, and no CA of the build. Plain Dockerfile syntax: the
# classic builder (docker-compose 1.29's default) and BuildKit (compose v2) build it alike.
FROM runtime AS wheels
WORKDIR /src
COPY pyproject.toml setup.py README.md requirements.lock deploy/build-ca.pe[m] ./
COPY newscrawl ./newscrawl
RUN if [ -s build-ca.pem ]; then export PIP_CERT=/src/build-ca.pem; fi \
    && python3 -m venv /opt/build \
    && /opt/build/bin/pip install --no-cache-dir --disable-pip-version-check -q build wheel \
    && /opt/build/bin/python -m build --wheel --outdir /wheels \
    && /opt/build/bin/pip wheel --no-cache-dir --disable-pip-version-check -q --wheel-dir /wheels \
       "$(ls /wheels/newscrawl-*.whl)[deploy]" -c requirements.lock

FROM runtime
WORKDIR /app
COPY deploy/scrapyd.conf deploy/schedule.toml deploy/schedule.example.toml ./deploy/
COPY --from=wheels /wheels /wheels
RUN python3 -m venv /opt/venv \
    && pip install --no-cache-dir --disable-pip-version-check --no-index --find-links /wheels \
       "$(ls /wheels/newscrawl-*.whl)[deploy]" \
    && rm -rf /wheels \
    && mkdir -p /srv/scrapyd /data \
    && sed -E 's/^(eggs_dir|logs_dir|jobs_dir|dbs_dir)( *)= /\1\2= \/data\/scrapyd\//' deploy/scrapyd.conf \
       > /srv/scrapyd/scrapyd.conf \
    && chown -R newscrawl:newscrawl /srv/scrapyd /data
USER newscrawl
# The named volume on /data starts as this folder (owned by newscrawl): the store's spill
# files, scrapyd's job history and logs, the heartbeats of the scheduler and the workers.
VOLUME /data
CMD ["scrapy", "crawl", "gbaf"]
