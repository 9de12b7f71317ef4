"""What an extraction layer is: one method per field it can read, named as the field.

A method takes the :class:`~newscrawl.extract.page.Page` and returns the value or None. It
is called only when the layers before it in the theme's order found nothing for that field;
an exception costs that field in that layer only (see ``ArticleParser``).
"""
from __future__ import annotations

from collections.abc import Callable

# Every field an article page may give, in the order they are read.
FIELDS = ("url", "title", "category", "breadcrumbs", "tags", "authors", "publisher", "source",
          "published_at", "updated_at", "read_time_minutes", "summary", "body", "key_takeaways",
          "faq", "image", "related_urls", "language")


class Layer:
    name = ""

    def field(self, name: str) -> Callable | None:
        """The method reading ``name``, or None when this layer does not read it."""
        return getattr(self, name, None) if name in FIELDS else None

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        return tuple(f for f in FIELDS if callable(getattr(cls, f, None)))
