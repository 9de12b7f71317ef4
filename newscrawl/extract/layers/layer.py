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


class Layer:
    name = ""
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
