FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md scrapy.cfg ./
COPY newscrawl ./newscrawl
RUN pip install --no-cache-dir .
ENV SCRAPY_SETTINGS_MODULE=newscrawl.settings
CMD ["scrapy", "crawl", "gbaf"]
