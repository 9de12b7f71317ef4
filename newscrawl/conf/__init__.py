"""Every setting of newscrawl declared once (type, default, allowed values, one line of
documentation): the catalogue in ``crawling``, ``storing`` and ``operating``; the rule that
reads a value in ``declaration``; the check before the first request in ``check``. The
reference page of the documentation is written from it (``scripts/gen_reference.py``)."""
from newscrawl.conf.check import (
    DECLARED,
    SettingsAddon,
    SettingsError,
    apply_defaults,
    check,
    default,
    from_environment,
    problems,
)
from newscrawl.conf.declaration import Setting
from newscrawl.conf.kinds import Kind

check_settings = check  # the name used where `check` means something else (the scheduler)

__all__ = ["DECLARED", "check_settings", "Kind", "Setting", "SettingsAddon", "SettingsError", "apply_defaults", "check", "default",
           "from_environment", "problems", "project_settings"]


def project_settings(overrides: dict | None = None):
    """The project's Scrapy settings with every declared default (what a component sees in a
    crawl), for commands and tests that build components outside one."""
    import os

    from scrapy.utils.project import get_project_settings
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    settings = get_project_settings()
    apply_defaults(settings)
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings
