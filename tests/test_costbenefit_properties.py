"""Property tests: bounds stay ordered, and money metrics scale with the currency unit."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from model.costbenefit import EvidenceDataset, Range, compute_programme_metrics
from model.costbenefit.results import ComputedMetric
from model.domain.evidence import Deflator, EvidenceRecord, Programme
from tests.profiles import examples

# Relative tolerance for comparing a scaled run with the original; IRR is a
# bisection result, so rates get an absolute tolerance well above its width.
SCALE_REL = 1e-7
RATE_ABS = 1e-6
# Differences of nearly equal money (exports_t - exports_2000) cancel: results
# near zero carry rounding of this order relative to the inputs' size.
CANCEL_REL = 1e-9
ORDER_REL = 1e-9
SEED = "002_190a6727378b83c7.txt"
DEFLATORS = (
    Deflator(year=2000, index=172.2, source="BLS CPI-U"),
    Deflator(year=2006, index=201.6, source="BLS CPI-U"),
    Deflator(year=2024, index=313.689, source="BLS CPI-U"),
)

Bounds = tuple[float | None, float | None, float | None]


@st.composite
def bounds(draw: st.DrawFn, lo: float, hi: float) -> Bounds:
    """value/low/high as a source may state them: a point, a range, or one open bound."""
    a = draw(st.floats(lo, hi))
    b = draw(st.floats(lo, hi))
    small, big = min(a, b), max(a, b)
    shape = draw(st.sampled_from(["point", "range", "value_range", "low", "high"]))
    if shape == "point":
        return (a, None, None)
    if shape == "range":
        return (None, small, big)
    if shape == "value_range":
        mid = draw(st.floats(small, big))
        return (mid, small, big)
    return (None, a, None) if shape == "low" else (None, None, a)


def record(i: int, metric: str, b: Bounds, unit: str, **kw: object) -> EvidenceRecord:
    money = {"currency": "USD", "price_year": kw.pop("price_year", 2000)} if unit == "USD" else {}
    return EvidenceRecord.model_validate(
        {
            "evidence_id": f"P-{i:02d}",
            "programme_id": "P",
            "metric": metric,
            "value": b[0],
            "low": b[1],
            "high": b[2],
            "unit": unit,
            "source_file": SEED,
            "passage": "test",
            **money,
            **kw,
        }
    )


@st.composite
def datasets(draw: st.DrawFn) -> EvidenceDataset:
    recs: list[EvidenceRecord] = []

    def add(metric: str, b: Bounds, unit: str, **kw: object) -> None:
        recs.append(record(len(recs), metric, b, unit, **kw))

    counts = st.one_of(bounds(1, 5000), st.just(None))
    if draw(st.booleans()):
        add("total_cost", draw(bounds(1e3, 1e8)), "USD", period_start=2000, period_end=2004)
    for metric in ("networks_formed", "enterprises_reached", "brokers_trained", "workers_per_firm"):
        b = draw(counts)
        if b is not None:
            add(metric, b, "count")
    if draw(st.booleans()):
        add("employment_growth", draw(bounds(0.01, 2.0)), "share", basis="absolute")
    if draw(st.booleans()):
        add("revenue", draw(bounds(1e3, 1e6)), "USD")
        add("cost_recovery_share", draw(bounds(0.05, 1.0)), "share")
    if draw(st.booleans()):
        add("exports", draw(bounds(1e5, 1e8)), "USD", period_start=2000, period_end=2000)
        add(
            "exports",
            draw(bounds(1e5, 1e8)),
            "USD",
            price_year=2006,
            period_start=2006,
            period_end=2006,
        )
    if draw(st.booleans()):
        add("return_per_dollar", draw(bounds(0.5, 20)), "USD_per_USD")
        add("return_per_public_dollar", draw(bounds(0.5, 40)), "USD_per_USD")
    programme = Programme(programme_id="P", name="P", source_file=SEED, passage="test")
    return EvidenceDataset((programme,), tuple(recs), DEFLATORS)


def scaled(dataset: EvidenceDataset, k: float) -> EvidenceDataset:
    def s(x: float | None) -> float | None:
        return None if x is None else x * k

    recs = tuple(
        r.model_copy(update={"value": s(r.value), "low": s(r.low), "high": s(r.high)})
        if r.unit == "USD"
        else r
        for r in dataset.records
    )
    return EvidenceDataset(dataset.programmes, recs, dataset.deflators)


def is_money(m: ComputedMetric) -> bool:
    return m.unit.startswith("USD") and m.unit != "USD_per_USD"


def close(a: float | None, b: float | None, abs_tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=SCALE_REL, abs_tol=abs_tol)


def money_size(dataset: EvidenceDataset) -> float:
    sides = [r.value or r.low or r.high or 0.0 for r in dataset.records if r.unit == "USD"]
    return max(sides, default=0.0)


def ordered(r: Range) -> bool:
    pts = [x for x in (r.low, r.value, r.high) if x is not None]
    return all(a <= b + ORDER_REL * max(1.0, abs(a), abs(b)) for a, b in itertools.pairwise(pts))


@settings(max_examples=examples(60), deadline=None)
@given(datasets(), st.sampled_from([None, 2024]))
def test_low_value_high_always_ordered(dataset: EvidenceDataset, price_year: int | None) -> None:
    for pm in compute_programme_metrics(dataset, price_year=price_year):
        for m in pm.metrics:
            assert ordered(m.range), (m.key, m.range)


@settings(max_examples=examples(60), deadline=None)
@given(datasets(), st.floats(1e-3, 1e3), st.sampled_from([None, 2024]))
def test_money_metrics_scale_with_currency_unit_and_ratios_do_not(
    dataset: EvidenceDataset, k: float, price_year: int | None
) -> None:
    (base,) = compute_programme_metrics(dataset, price_year=price_year)
    (other,) = compute_programme_metrics(scaled(dataset, k), price_year=price_year)
    assert [m.key for m in base.metrics] == [m.key for m in other.metrics]
    size = money_size(dataset) * k * 2  # x2 covers deflation up to 2024 prices
    for a, b in zip(base.metrics, other.metrics, strict=True):
        factor = k if is_money(a) else 1.0
        tol = CANCEL_REL * size if is_money(a) else CANCEL_REL
        if a.unit.startswith("share"):
            tol = RATE_ABS
        for side in ("value", "low", "high"):
            x, y = getattr(a.range, side), getattr(b.range, side)
            assert close(None if x is None else x * factor, y, tol), (a.key, side, x, y, k)


@settings(max_examples=examples(200), deadline=None)
@given(bounds(0.0, 1e6), bounds(1e-3, 1e6), st.sampled_from(["+", "-", "*", "/"]))
def test_range_arithmetic_keeps_order(a: Bounds, b: Bounds, op: str) -> None:
    x, y = Range(*a), Range(*b)
    result = {"+": x + y, "-": x - y, "*": x * y, "/": x / y}[op]
    assert ordered(result)
    # an exact point inside each operand lands inside the result's bounds
    px = x.value if x.value is not None else (x.low if x.low is not None else x.high)
    py = y.value if y.value is not None else (y.low if y.low is not None else y.high)
    assert px is not None and py is not None
    exact = {"+": px + py, "-": px - py, "*": px * py, "/": px / py}[op]
    tol = ORDER_REL * max(1.0, abs(exact))
    assert result.low is None or result.low <= exact + tol
    assert result.high is None or exact <= result.high + tol
