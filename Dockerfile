# One image for every newscrawl service of docker-compose.yml: scrapyd (with the project
# installed from its wheel: no egg to deploy), the scheduler, the cluster workers.
#
# BASE: the official image by default; any Debian bookworm works (the tests build one with
# debootstrap, as nothing can be pulled there): python3 is installed from Debian when the
# base has none. Dependencies are the pinned ones of requirements.lock. A registry behind a
# TLS proxy: pass its CA bundle as a build secret (never stored in the image):
#   DOCKER_BUILDKIT=1 docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t newscrawl .
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

# The wheel, built from the sources as CI builds it (python -m build); only the wheel leaves
# this stage: the image holds the installed package, not a checkout.
FROM runtime AS wheel
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY newscrawl ./newscrawl
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
    && python3 -m venv /opt/build \
    && /opt/build/bin/pip install --no-cache-dir --disable-pip-version-check -q build \
    && /opt/build/bin/python -m build --wheel --outdir /dist

FROM runtime
WORKDIR /app
COPY requirements.lock /tmp/requirements.lock
COPY deploy ./deploy
COPY --from=wheel /dist /dist
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi \
    && python3 -m venv /opt/venv \
    && pip install --no-cache-dir --disable-pip-version-check "$(ls /dist/newscrawl-*.whl)[deploy]" \
       -c /tmp/requirements.lock \
    && rm -rf /dist /tmp/requirements.lock \
    && mkdir -p /srv/scrapyd /data \
    && sed -E 's/^(eggs_dir|logs_dir|jobs_dir|dbs_dir)( *)= /\1\2= \/data\/scrapyd\//' deploy/scrapyd.conf \
       > /srv/scrapyd/scrapyd.conf \
    && chown -R newscrawl:newscrawl /srv/scrapyd /data
USER newscrawl
# The named volume on /data starts as this folder (owned by newscrawl): the store's spill
# files, scrapyd's job history and logs, the heartbeats of the scheduler and the workers.
VOLUME /data
CMD ["scrapy", "crawl", "gbaf"]
