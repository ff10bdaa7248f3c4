"""A record's change, field by field, as a person reads it (the audit log's before/after).

Nested fields are named by their path (``budget.total``, ``candidates[3].name``); numbers
get separators, a missing value is a dash, long text is cut. Only fields that differ are
listed, in the order they appear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from model.formatting.i18n import _, ngettext
from model.formatting.numbers import MISSING, number

TEXT_CHARS: Final = 80  # longer values are cut with an ellipsis
LIST_ITEMS: Final = 20  # longer lists are compared as a whole, not item by item
ARROW: Final = "→"


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its path, and the value before and after, as text."""

    field: str
    before: str
    after: str

    def sentence(self) -> str:
        return f"{self.field}: {self.before} {ARROW} {self.after}"


def value_text(value: Any) -> str:
    """A stored value as text: numbers with separators (up to 4 decimals), True/False as
    yes/no, None as a dash, lists joined, long text cut."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return number(value)
    if isinstance(value, float):
        if value == round(value):
            return number(value)
        return number(value, 4).rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        text = ", ".join(value_text(v) for v in value)
        if len(text) <= TEXT_CHARS:
            return f"[{text}]"
        return "[{}]".format(
            ngettext("{n} items", "{n} items", len(value)).format(n=number(len(value)))
        )
    if isinstance(value, Mapping):
        return "{{{}}}".format(
            ngettext("{n} fields", "{n} fields", len(value)).format(n=number(len(value)))
        )
    text = str(value)
    return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            _flatten(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(value, list) and value and len(value) <= LIST_ITEMS:
        if all(isinstance(v, Mapping) for v in value):
            for i, v in enumerate(value):
                _flatten(v, f"{path}[{i}]", out)
        else:
            out[path] = value
    else:
        out[path] = value


def flatten(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every field of a nested record as (path, value as text), in order: a complete
    record a person can read (``rules.policy_mix.lagging_min_share``: ``0.3``)."""
    out: dict[str, Any] = {}
    _flatten(record, "", out)
    return [(k, value_text(v)) for k, v in out.items()]


def field_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[FieldChange]:
    """The fields that differ between two versions of a record (created: every field from
    a dash; deleted: every field to a dash)."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(before or {}, "", old)
    _flatten(after or {}, "", new)
    fields = list(dict.fromkeys([*old, *new]))
    return [
        FieldChange(f, value_text(old.get(f)), value_text(new.get(f)))
        for f in fields
        if old.get(f) != new.get(f)
    ]


def change_summary(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, limit: int = 4
) -> str:
    """The first ``limit`` changes in one line, and how many more ("3 more fields")."""
    changes = field_changes(before, after)
    if not changes:
        return _("no field changed")
    text = "; ".join(c.sentence() for c in changes[:limit])
    more = len(changes) - limit
    if more <= 0:
        return text
    return "; ".join(
        (text, ngettext("{n} more field", "{n} more fields", more).format(n=number(more)))
    )
