"""Text cells for CSV and Excel files: values as the importer reads them back, and
formula injection neutralised (a cell starting with ``= + - @`` is not a formula)."""

from __future__ import annotations

from typing import Any

INJECTION_PREFIXES = ("=", "+", "-", "@")


def cell_text(value: Any) -> str:
    """A value as the importer reads it back (floats in shortest exact form)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(cell_text(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def neutralise(text: str) -> str:
    """Stop spreadsheet formula injection in a text cell (numbers are left alone)."""
    if text.startswith(INJECTION_PREFIXES):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text
