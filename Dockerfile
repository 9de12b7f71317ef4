# One image for every service of docker-compose.yml: scrapyd, the scheduler, the crawl workers.
FROM python:3.11.10-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SCRAPY_SETTINGS_MODULE=newscrawl.settings
RUN useradd --create-home --uid 10001 newscrawl
WORKDIR /app
COPY pyproject.toml setup.py README.md scrapy.cfg ./
COPY newscrawl ./newscrawl
COPY deploy ./deploy
RUN pip install --no-cache-dir ".[deploy]" \
    && mkdir -p /srv/scrapyd/data \
    && sed -E 's/^(eggs_dir|logs_dir|jobs_dir|dbs_dir)( *)= /\1\2= data\//' deploy/scrapyd.conf > /srv/scrapyd/scrapyd.conf \
    && chown -R newscrawl:newscrawl /srv/scrapyd
USER newscrawl
CMD ["scrapy", "crawl", "gbaf"]
