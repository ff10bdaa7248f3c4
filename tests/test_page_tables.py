"""Every table a page shows writes a missing value as the formatting module's dash, not "None"."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAGES = sorted((Path(__file__).resolve().parent.parent / "pages").glob("*.py"))


def _table_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "dataframe"
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "st"
    ]


def test_pages_show_tables() -> None:
    # The scan below must see the tables it checks (a rename would make it pass by luck).
    assert sum(len(_table_calls(p)) for p in PAGES) >= 20


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_missing_values_show_as_a_dash(path: Path) -> None:
    missing = [
        f"{path.name}:{c.lineno}"
        for c in _table_calls(path)
        if not any(k.arg == "placeholder" for k in c.keywords)
    ]
    assert not missing, f"st.dataframe without placeholder=MISSING at {', '.join(missing)}"
