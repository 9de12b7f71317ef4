"""newscrawl.text: bylines and datelines."""
from datetime import timezone
from pathlib import Path

import pytest

from newscrawl.text import dateline_source, split_byline
from newscrawl.urls import SiteRules

HTML = Path(__file__).parent / "html"
BASE = "http://www.example-mirror.test"
UTC = timezone.utc
LIVE = SiteRules()


@pytest.mark.parametrize("byline, names", [
    ("By Brenda Goh", ["Brenda Goh"]),
    ("By Brenda Goh and David Kirton", ["Brenda Goh", "David Kirton"]),
    ("By A. Jones, Bo Li and Carla de la Cruz", ["A. Jones", "Bo Li", "Carla de la Cruz"]),
    ("By Jane Smith, Chief Economist at Northbridge", ["Jane Smith"]),
    ("By Tom Fairbanks | Reuters", ["Tom Fairbanks"]),
    ("Reuters", []),
])
def test_bylines(byline, names):
    assert split_byline(byline) == names


def test_datelines():
    assert dateline_source("SHANGHAI (Reuters) - China's central bank") == "Reuters"
    assert dateline_source("NEW YORK/LONDON (Reuters) - x") == "Reuters"
    assert dateline_source("The bank (Reuters) said") is None




def test_same_headline_tells_an_seo_variant_from_another_heading():
    from newscrawl.text import same_headline
    assert same_headline("Banks raise rates again", "banks raise rates again!")
    assert same_headline("Fed holds rates, signals two cuts in 2026", "Fed holds interest rates and signals two cuts")
    assert not same_headline("Latest news", "Fed holds interest rates and signals two cuts")
    assert not same_headline("Markets", "Markets rally") and not same_headline("", "x")
