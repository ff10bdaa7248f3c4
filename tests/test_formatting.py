"""The one formatting module: every kind of figure, the edge cases the issue saw on screen,
and the locale parameter (Spanish formats differ between Mexico and Colombia)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.allocator.explain.wording import amount, money
from model.formatting import numbers
from model.formatting.changes import change_summary, field_changes
from model.formatting.numbers import MISSING
from tests.profiles import examples


@pytest.mark.parametrize(
    ("value", "kw", "shown"),
    [
        (5_000_000, {}, "US$5,000,000"),
        (2_123_230.072317651, {}, "US$2,123,230"),  # the workbook's raw float
        (-1_250.4, {}, "-US$1,250"),
        (1.86e-09, {}, "US$0"),  # "US$1.86e-09 of benefit" on the Plan page
        (-1e-9, {}, "US$0"),  # never "-US$0"
        (0.35, {"cents": None}, "US$0.35"),
        (350.0, {"cents": None}, "US$350"),
        (6.0, {"cents": True}, "US$6.00"),
        (1_000.0, {"signed": True}, "+US$1,000"),
        (None, {}, MISSING),
        (math.nan, {}, MISSING),
    ],
)
def test_money(value: float | None, kw: dict[str, object], shown: str) -> None:
    assert numbers.money(value, **kw) == shown  # type: ignore[arg-type]


def test_shares_points_counts_rates_and_compact_figures() -> None:
    assert numbers.share(0.456) == "46%"
    assert numbers.share(0.4567, 1) == "45.7%"
    assert numbers.share(None) == MISSING
    # A change of a share is in percentage points ("+70 % since first" was wrong).
    assert numbers.points(0.7) == "+70 percentage points"
    assert numbers.points(-0.01) == "-1 percentage point"
    assert numbers.count(1829.702) == "1,830"  # "1829.702 enterprises"
    assert numbers.count(-1e-9) == "0"
    assert numbers.rate(1.347) == "US$1.35 per US$"
    assert numbers.number(19_749_429.976) == "19,749,430"  # the sweep's "19,749,429.976"
    assert numbers.compact(-353_000.4) == "-353,000"  # "binds (-3.53e+05)"
    assert numbers.compact(6.25) == "6.25"
    assert numbers.compact(1e-12) == "0"
    assert numbers.millions(5e6) == "US$5.0 M"
    assert numbers.millions(250_000) == "US$250,000"


def test_unit_keys_in_words_and_values_in_their_unit() -> None:
    assert numbers.unit_words("USD_per_USD") == "US$ per US$"
    assert numbers.unit_words("share_per_year") == "share per year (0-100%)"
    assert numbers.unit_words("some_new_unit") == "some new unit"
    assert numbers.unit_words(None) == MISSING
    assert numbers.value_in(560_000.0, "count") == "560,000"  # "560000.000000" (Indicators)
    assert numbers.value_in(680_000.0, "USD") == "US$680,000"
    assert numbers.value_in(0.35, "share") == "35%"
    assert numbers.value_in(2.5, "years") == "2.5"
    assert numbers.value_in(None, "USD") == MISSING


def test_locale_is_a_parameter() -> None:
    assert numbers.money(5_000_000, locale="es_CO") == "US$5.000.000"
    assert numbers.money(5_000_000, locale="es_MX") == "US$5,000,000"
    assert numbers.share(0.457, 1, locale="es_CO") == "45,7%"


def test_parse_amount_reads_separators_and_refuses_the_other_convention() -> None:
    assert numbers.parse_amount("5,000,000", "Total budget") == 5_000_000
    assert numbers.parse_amount(" US$ 2,500.5 ", "Total budget") == 2_500.5
    assert numbers.parse_amount("5.000.000", "Total budget", locale="es_CO") == 5_000_000
    with pytest.raises(ValueError, match=r"Total budget: '5\.000\.000' is not an amount"):
        numbers.parse_amount("5.000.000", "Total budget")
    with pytest.raises(ValueError, match="Total budget: enter an amount"):
        numbers.parse_amount("  ", "Total budget")


def test_the_allocator_sentences_use_the_module() -> None:
    assert money(1.86e-09) == "US$0"
    assert money(0.35) == "US$0.35"
    assert money(2_600_000.4) == "US$2,600,000"
    assert amount("enterprises", 1829.702) == "1,830 enterprises reached"
    assert amount("jobs", 0.0123) == "0.012 jobs"


@settings(max_examples=examples(200), deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_money_round_trips_to_the_dollar(v: float) -> None:
    text = numbers.money(v)
    assert "e" not in text and not text.startswith("-US$0")
    back = numbers.parse_amount(text.replace("-", ""), "x") * (-1 if text.startswith("-") else 1)
    assert back == pytest.approx(v, abs=0.5 + 1e-12 * abs(v))


def test_audit_changes_read_field_by_field() -> None:
    before = {"name": "Plan A", "budget": {"total": 5_000_000, "per_year": [1.0, 2.0]}, "x": 1}
    after = {"name": "Plan B", "budget": {"total": 4_000_000.0, "per_year": [1.0, 2.0]}}
    changes = field_changes(before, after)
    assert [c.sentence() for c in changes] == [
        "name: Plan A → Plan B",
        "budget.total: 5,000,000 → 4,000,000",
        f"x: 1 → {MISSING}",
    ]
    created = change_summary(None, {"a": True, "b": None, "c": 0.125, "d": "t"}, limit=2)
    assert created == f"a: {MISSING} → yes; c: {MISSING} → 0.125; 1 more field"
    assert change_summary(before, before) == "no field changed"
    rows = field_changes({"cands": [{"id": "A", "v": 1}]}, {"cands": [{"id": "A", "v": 2}]})
    assert [(c.field, c.before, c.after) for c in rows] == [("cands[0].v", "1", "2")]
