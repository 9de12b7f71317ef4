"""Run one real crawl in this (fresh) process and write its items and stats as JSON.

Usage: python tests/crawl_runner.py OUT_DIR -a name=value ... -s NAME=value ...
The tests run it as a subprocess: Twisted's reactor cannot restart within one process.
"""
import json
import os
import sys

from scrapy.crawler import CrawlerProcess

from newscrawl.conf import project_settings


def main(argv):
    out_dir, rest = argv[0], argv[1:]
    args, settings = {}, project_settings()
    for flag, pair in zip(rest[::2], rest[1::2]):
        key, _, value = pair.partition("=")
        if flag == "-a":
            args[key] = value
        else:
            settings.set(key, value, priority="cmdline")
    items_path = os.path.join(out_dir, "items.jsonl")
    settings.set("FEEDS", {items_path: {"format": "jsonlines"}}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("gbaf")
    process.crawl(crawler, **args)
    process.start()
    stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
             for k, v in crawler.stats.get_stats().items()}
    with open(os.path.join(out_dir, "stats.json"), "w") as f:
        json.dump(stats, f)


if __name__ == "__main__":
    main(sys.argv[1:])
