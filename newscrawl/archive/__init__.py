"""The web archive: every response a crawl receives, kept as WARC records (ISO 28500).

Written with warcio (Webrecorder's reader and writer of the format), one gzip member per
record so that each record can be read alone; files rotate by size and are grouped per run
under the archive folder; each file has a CDXJ index beside it (the sorted ``surt timestamp
{json}`` lines pywb and the Wayback Machine read), so that one page is found without reading
the archive. :mod:`.warcfiles` writes, :mod:`.index` finds, :mod:`.reader` reads back.
"""
from newscrawl.archive.index import ArchiveIndex, Capture
from newscrawl.archive.reader import BrokenRecord, Record, read_record
from newscrawl.archive.warcfiles import ArchiveWriter, NotArchived

__all__ = ["ArchiveIndex", "ArchiveWriter", "BrokenRecord", "Capture", "NotArchived", "Record", "read_record"]
