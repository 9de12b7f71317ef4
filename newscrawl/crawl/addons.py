"""Scrapy add-ons (``ADDONS``): what a run is, decided once from the settings and handed to
every component as settings (Scrapy freezes them before any component is built).

- ``NEWSCRAWL_RUN_ID``: the run's id (`crawl_runs.run_id`, the spill file's name), unless
  given (``-s NEWSCRAWL_RUN_ID=``).
- ``NEWSCRAWL_INCREMENTAL``: False when the crawl stores nothing (no StorePipeline in
  ``ITEM_PIPELINES``), so nothing remembers what earlier runs stored: every run is full.
"""
from __future__ import annotations

import uuid

from scrapy.settings import SETTINGS_PRIORITIES

from newscrawl.process.pipelines import stores_articles


def decide(settings, name: str, value) -> None:
    """Set ``name`` whatever priority its default (settings.py) or the user gave it: the
    add-on's decision is what the components must read."""
    settings.set(name, value, max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["addon"]))


class RunAddon:
    def update_settings(self, settings) -> None:
        if not settings.get("NEWSCRAWL_RUN_ID"):
            decide(settings, "NEWSCRAWL_RUN_ID", uuid.uuid4().hex)
        if not stores_articles(settings):
            decide(settings, "NEWSCRAWL_INCREMENTAL", False)
