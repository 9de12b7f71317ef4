"""What an extraction layer is: one method per field it can read, registered with ``@reads``.

A method is named as the field it reads, takes the :class:`~newscrawl.extract.page.Page`
and returns the value or None. It is called only when the layers before it in the theme's
order found nothing for that field; an exception costs that field in that layer only (see
``ArticleParser``). Registration is checked when the module is imported: ``@reads`` on a
method whose name is no field of the Article fails there, and so does a method named as a
field that is not registered (it would never be called).
"""
from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar, TypeVar

from newscrawl.items import PAGE_FIELDS as FIELDS  # every field an article page may give, in reading order

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "__newscrawl_reads__"


def reads(fn: F) -> F:
    """Register a layer's method as the reader of the field it is named after."""
    if fn.__name__ not in FIELDS:
        raise TypeError(f"@reads {fn.__qualname__}: {fn.__name__!r} is no field of the Article "
                        f"({', '.join(FIELDS)})")
    setattr(fn, _MARK, fn.__name__)
    return fn


class LayerName(str, Enum):
    """Which layer read a field (Article.extraction, stats ``newscrawl/extraction/<field>/<layer>``).
    A plain string where one is expected: in stats keys, logs and the store."""
    JSONLD = "jsonld"  # JSON-LD structured data
    NEXTDATA = "nextdata"  # Next.js (and other frameworks') inline page data
    META = "meta"  # meta tags (Open Graph, article:*)
    SEMANTIC = "semantic"  # what a reader sees: semantic HTML, labels, the byline
    LEGACY = "legacy"  # the old WordPress theme's selectors
    GENERIC = "generic"  # trafilatura on any page
    RESPONSE = "response"  # not a layer: the response's own URL

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Layer:
    name: LayerName
    readers: ClassVar[dict[str, str]] = {}  # field -> the name of the method that reads it

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        readers: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                marked = getattr(getattr(value, "__func__", value), _MARK, None)
                if marked is not None:
                    readers[marked] = attr
                elif attr in FIELDS and callable(getattr(value, "__func__", value)):
                    raise TypeError(f"{cls.__qualname__}.{attr} reads a field: register it with @reads")
        cls.readers = readers

    def field(self, name: str) -> Callable[..., Any] | None:
        """The method reading ``name``, or None when this layer does not read it."""
        attr = self.readers.get(name)
        return getattr(self, attr) if attr is not None else None

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        return tuple(f for f in FIELDS if f in cls.readers)
