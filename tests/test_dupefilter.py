"""newscrawl.crawl.dupefilter: the compact dupefilter, JOBDIR resume and crash recovery."""
import logging
from datetime import timezone

from scrapy import Request
from scrapy.utils.test import get_crawler

from newscrawl.crawl.dupefilter import CompactDupeFilter

UTC = timezone.utc
BASE = "http://www.example-mirror.test"


def test_compact_dupefilter_filters_and_resumes_from_a_jobdir(tmp_path):
    crawler = get_crawler()
    fp = crawler.request_fingerprinter
    df = CompactDupeFilter(str(tmp_path), fingerprinter=fp)
    assert not df.request_seen(Request("http://h/a"))
    assert df.request_seen(Request("http://h/a"))
    assert df.request_seen(Request("http://h/a#frag"))  # the same fingerprint
    assert not df.request_seen(Request("http://h/b"))
    df.close("shutdown")
    resumed = CompactDupeFilter(str(tmp_path), fingerprinter=fp)  # JOBDIR's requests.seen
    assert resumed.request_seen(Request("http://h/b")) and not resumed.request_seen(Request("http://h/c"))
    assert len(resumed._fingerprints) == 3
    resumed.close("finished")


def test_project_settings_use_the_compact_dupefilter():
    from newscrawl.conf import project_settings
    assert project_settings()["DUPEFILTER_CLASS"] == "newscrawl.crawl.dupefilter.CompactDupeFilter"


def test_a_jobdir_left_by_a_crash_is_not_trusted(tmp_path, caplog):
    fp = get_crawler().request_fingerprinter
    clean = CompactDupeFilter(str(tmp_path), fingerprinter=fp)
    clean.request_seen(Request("http://h/a"))
    clean.close("shutdown")  # a clean stop: the next run resumes with these fingerprints
    assert CompactDupeFilter(str(tmp_path), fingerprinter=fp).request_seen(Request("http://h/a"))
    # that second filter was never closed (killed): its fingerprints are discarded on the next start
    with caplog.at_level(logging.WARNING):
        after_crash = CompactDupeFilter(str(tmp_path), fingerprinter=fp)
    assert not after_crash.request_seen(Request("http://h/a"))
    assert [r for r in caplog.records if "was not closed cleanly" in r.getMessage()]
    after_crash.close("finished")
