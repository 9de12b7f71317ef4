"""newscrawl.spiders.arguments and .config: the spider's arguments and settings, checked
before anything starts (the crawl command's usage errors, exit code 2)."""
import pytest
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from newscrawl import conf
from newscrawl.site.rules import SiteRules
from newscrawl.spiders.arguments import parse_arguments
from newscrawl.spiders.config import is_local, polite_settings, spider_config


def project_settings(**extra) -> Settings:
    return conf.project_settings(extra)


def test_arguments_are_read_and_kept_as_given():
    args = parse_arguments("gbaf", categories=" Finance/,banking/retail ", max_pages="3", since="2026-01-01",
                           urls="https://x.test/a, ,https://x.test/b", refresh="ALL", wait="yes", _job="j1")
    assert args.categories == ["finance", "banking/retail"] and args.max_pages == 3
    assert args.since.year == 2026 and args.urls == ["https://x.test/a", "https://x.test/b"]
    assert args.refresh == "all" and args.wait is True
    assert args.given == {"categories": " Finance/,banking/retail ", "max_pages": "3", "since": "2026-01-01",
                          "urls": "https://x.test/a, ,https://x.test/b", "refresh": "ALL"}  # no wait, no _job


@pytest.mark.parametrize("kwargs, message", [
    ({"categorys": "finance"}, "unknown argument(s) categorys; known: base_url, categories"),
    ({"categories": "finance,../etc"}, "categories must be category slugs"),
    ({"max_pages": "0"}, "max_pages must be a whole number of at least 1, got '0'"),
    ({"max_pages": "two"}, "max_pages must be a whole number"),
    ({"refresh": "sometimes"}, "refresh must be auto"),
    ({"wait": "maybe"}, "wait must be 1"),
    ({"since": "yesterday-ish"}, "gbaf: "),
])
def test_bad_arguments_are_one_line_usage_errors(kwargs, message):
    with pytest.raises(UsageError) as err:
        parse_arguments("gbaf", **kwargs)
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("setting, value, message", [
    ("NEWSCRAWL_TIMEZONE", "Mars/Olympus", "NEWSCRAWL_TIMEZONE: unknown time zone 'Mars/Olympus'"),
    ("NEWSCRAWL_LEGACY_SELECTORS", {"title": "//h1[["}, "NEWSCRAWL_LEGACY_SELECTORS"),
    ("NEWSCRAWL_BASE_URL", "ftp://x.test", "set -a base_url=http://HOST[:PORT]"),
])
def test_bad_settings_are_usage_errors_naming_the_setting(setting, value, message):
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("(", r"\(")):
        spider_config(parse_arguments("gbaf"), project_settings(**{setting: value}))


def test_named_urls_must_be_articles_of_the_site():
    with pytest.raises(UsageError, match="is not an article URL of https://www.globalbankingandfinance.com"):
        spider_config(parse_arguments("gbaf", urls="https://elsewhere.test/a-story"), project_settings())


def test_config_follows_article_links_only_on_full_crawls():
    assert spider_config(parse_arguments("gbaf"), project_settings()).follow_links
    assert not spider_config(parse_arguments("gbaf", since="2026-01-01"), project_settings()).follow_links


def test_polite_settings_go_fast_only_on_this_machine_and_never_over_the_user():
    s = project_settings()
    polite_settings(s, SiteRules("https://www.globalbankingandfinance.com"))
    assert s.getfloat("DOWNLOAD_DELAY") == 0.5 and s.getbool("AUTOTHROTTLE_ENABLED")
    assert "newscrawl" in s.get("USER_AGENT")
    s = project_settings()
    polite_settings(s, SiteRules("http://127.0.0.1:8000"))
    assert s.getfloat("DOWNLOAD_DELAY") == 0 and not s.getbool("AUTOTHROTTLE_ENABLED")
    s = project_settings(DOWNLOAD_DELAY=2, USER_AGENT="mybot/1")
    polite_settings(s, SiteRules("http://localhost:8000"))
    assert s.getfloat("DOWNLOAD_DELAY") == 2 and s.get("USER_AGENT") == "mybot/1"
    assert is_local("http://[::1]:80") and not is_local("http://10.0.0.1")


# ---- hostile input (#32): any argument is read or refused in one line --------------------
from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from newscrawl.spiders.arguments import ARGUMENTS  # noqa: E402

from .hostile import nasty_text  # noqa: E402


@given(st.dictionaries(st.one_of(st.sampled_from(ARGUMENTS), nasty_text), nasty_text, max_size=4))
@example({"spider": "x"})  # found: `-a spider=x` made the reading raise TypeError
@example({"since": "0001-01-01T00:00:00+14:00"})  # found by CI: OverflowError
def test_any_spider_arguments_are_read_or_a_usage_error(kwargs):
    try:
        parse_arguments("gbaf", **kwargs)
    except UsageError as exc:
        assert "\n" not in str(exc).strip()


@given(st.dictionaries(st.sampled_from(sorted(conf.DECLARED)), nasty_text, max_size=4))
@example({"NEWSCRAWL_TIMEZONE": "9" * 400})  # found: a zone name too long for a file raised OSError
def test_any_setting_values_are_read_or_one_settings_error(values):
    try:
        conf.check(values, {})
    except conf.SettingsError as exc:
        assert "\n" not in str(exc)
