"""A setting, declared: name, type, default, allowed values and one line of documentation.

:meth:`Setting.parse` is the one rule that reads a value; the catalogue (``crawling``,
``storing``, ``operating``) is the one place a default lives."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newscrawl.conf.kinds import BadValue, Kind


@dataclass(frozen=True)
class Setting:
    name: str
    kind: Kind
    default: Any
    doc: str
    group: str = ""
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None  # strictly greater than this
    choices: tuple[str, ...] = ()
    nullable: bool = False  # None (or empty text) means "not set"
    secret: bool = False  # never printed

    def parse(self, value: Any) -> Any:
        """The typed value; BadValue saying what is expected."""
        if value is None or (self.nullable and isinstance(value, str) and not value.strip()):
            if self.nullable:
                return None
            raise BadValue(self.expected())
        try:
            parsed = self.kind.parse(value)
        except BadValue as exc:
            raise BadValue(self.expected() + (f"; {exc.detail}" if exc.detail else "")) from None
        if self.choices and parsed not in self.choices:
            raise BadValue(self.expected())
        if isinstance(parsed, (int, float)) and not isinstance(parsed, bool) and not self._in_range(parsed):
            raise BadValue(self.expected())
        return parsed

    def _in_range(self, number: float) -> bool:
        return ((self.minimum is None or number >= self.minimum) and (self.maximum is None or number <= self.maximum)
                and (self.above is None or number > self.above))

    def expected(self) -> str:
        """What a value must be, in words: "a whole number of at least 1"."""
        if self.choices:
            text = "one of " + ", ".join(self.choices)
        else:
            article = "" if self.kind.label == "text" else ("an " if self.kind.label[0] in "aeiou" else "a ")
            text = article + self.kind.label
            if self.minimum is not None and self.maximum is not None:
                text += f" between {self.minimum:g} and {self.maximum:g}"
            elif self.minimum is not None:
                text += f" of at least {self.minimum:g}"
            elif self.above is not None:
                text += f" above {self.above:g}"
        return text + (" (or empty: not set)" if self.nullable else "")

    def shown_default(self) -> str:
        if self.secret or self.default is None:
            return "not set"
        if isinstance(self.default, (list, dict)):
            import json
            return json.dumps(self.default)
        return str(self.default)


def declare(group: str, *settings: Setting) -> tuple[Setting, ...]:
    """The settings of one group (a section of the reference page)."""
    return tuple(Setting(**{**s.__dict__, "group": group}) for s in settings)
