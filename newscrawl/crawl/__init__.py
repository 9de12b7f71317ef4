"""The Scrapy components of a crawl: add-ons, middlewares, rendering, dupefilter, incremental
re-runs, the lock, run records, progress, run checks, the outcome, logging."""
