"""Running it: the command line, the scheduler on scrapyd, workers, the report and dashboard."""
