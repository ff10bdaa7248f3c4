"""The fast paths give the answers of the plain ones.

``reduce`` (HiGHS on the substituted programme with lazy variable-bound rows)
against the builder's programme handed to HiGHS as is; ``ReSolver`` re-solves
against fresh solves; the row checker of large greedy plans against
``check_plan``. Duals are checked as an optimality certificate of the *original*
programme: right signs, complementary slackness, and no duality gap.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import highspy
import numpy as np
import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.allocator import random_scenario
from model.allocator import build_model
from model.allocator.build.lp import BuiltModel
from model.allocator.explain import greedy as greedy_mod
from model.allocator.explain.greedy import greedy_plan
from model.allocator.scenario import Scenario
from model.allocator.solve.reduce import Reduction, reduce
from model.allocator.solve.resolve import ReSolver
from model.allocator.solve.solution import Solution
from model.allocator.solve.solver import highs_lp, solve
from model.formatting import numbers
from tests.profiles import examples
from tests.test_allocator_properties import PROPS, scenarios

REL = 1e-6
# Dual-certificate slack: a bound counts as active within this share of its size (US$).
ACTIVE_REL = 1e-6
DUAL_TOL = 1e-6


def plain_highs(built: BuiltModel) -> float:
    """The builder's programme straight to HiGHS (no reduction): internal objective."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy stubs leave __init__ untyped
    h.silent()
    h.passModel(highs_lp(built, built.col_lower, built.col_upper, built.integer))
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return -float(h.getInfo().objective_function_value)


def assert_certificate(built: BuiltModel, sol: Solution) -> None:
    """``sol``'s duals prove its values optimal for the built (maximised) programme."""
    x, y, d = sol.values, sol.row_dual, sol.col_dual
    act = built.activity(x)
    scale = 1.0 + np.abs(act) + np.abs(built.activity(np.abs(x)))
    lo, up = built.row_lower, built.row_upper
    assert (act <= up + ACTIVE_REL * scale).all() and (act >= lo - ACTIVE_REL * scale).all()
    at_up = np.isfinite(up) & (up - act <= ACTIVE_REL * scale)
    at_lo = np.isfinite(lo) & (act - lo <= ACTIVE_REL * scale)
    ytol = DUAL_TOL * (1.0 + np.abs(y).max(initial=0.0))
    assert ((y <= ytol) | at_up).all(), "positive dual on a row not at its upper limit"
    assert ((y >= -ytol) | at_lo).all(), "negative dual on a row not at its lower limit"
    cl, cu = built.col_lower, built.col_upper
    cscale = 1.0 + np.abs(x)
    c_up = np.isfinite(cu) & (cu - x <= ACTIVE_REL * cscale)
    c_lo = np.isfinite(cl) & (x - cl <= ACTIVE_REL * cscale)
    dtol = DUAL_TOL * (1.0 + np.abs(built.col_cost).max(initial=0.0))
    assert ((d <= dtol) | c_up).all(), "column could rise and gain"
    assert ((d >= -dtol) | c_lo).all(), "column could fall and gain"
    assert np.allclose(d, built.col_cost - reduced_aty(built, y), atol=dtol)
    primal = float(built.col_cost @ x)
    dual = float(
        (np.where(y > 0, y * np.where(np.isfinite(up), up, 0), 0)).sum()
        + (np.where(y < 0, y * np.where(np.isfinite(lo), lo, 0), 0)).sum()
        + (np.where(d > 0, d * np.where(np.isfinite(cu), cu, 0), 0)).sum()
        + (np.where(d < 0, d * np.where(np.isfinite(cl), cl, 0), 0)).sum()
    )
    assert dual == pytest.approx(primal, rel=REL, abs=1e-4)


def reduced_aty(built: BuiltModel, y: np.ndarray) -> np.ndarray:
    row_of = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
    out: np.ndarray = np.bincount(built.a_index, built.a_value * y[row_of], built.num_col)
    return out


@PROPS
@given(sc=scenarios())
def test_reduced_programme_is_exact(sc: Scenario) -> None:
    built = build_model(sc)
    sol = solve(built, "highs")
    if sol.status != "optimal":
        return
    assert sol.objective == pytest.approx(plain_highs(built), rel=REL, abs=1e-6)
    assert_certificate(built, sol)


def test_lazy_rows_on_a_bench_sized_model() -> None:
    """300 candidates, every rule family: lazy rows are needed and the answer is exact."""
    built = build_model(random_scenario(300))
    red = reduce(built, built.col_lower, built.col_upper, all_rows=False)
    assert red.keep.size < built.num_row / 3  # the band rows are gone
    rs = ReSolver(built)
    sol = rs.solve()
    assert sol.status == "optimal"
    assert 0 < len(rs.rows) < len(red.sub)  # some, not all, variable bounds became rows
    assert sol.objective == pytest.approx(plain_highs(built), rel=REL)
    assert_certificate(built, sol)


class _Counting:
    """Wraps a method and counts its calls (one ``violated`` check per HiGHS round)."""

    def __init__(self, method: Any) -> None:
        self.method, self.calls = method, 0

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        def call(*args: Any) -> Any:
            self.calls += 1
            return self.method(obj, *args)

        return call


def test_lazy_row_margin_keeps_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding near-bound rows with the violated ones saves rounds, never changes the plan:
    same objective and an optimality certificate with the margin on and off."""
    from model.allocator.solve import resolve

    built = build_model(random_scenario(300))
    runs: dict[float, tuple[Solution, int, int]] = {}
    violated = Reduction.violated
    for margin in (0.0, resolve.LAZY_MARGIN):
        monkeypatch.setattr(resolve, "LAZY_MARGIN", margin)
        rs = ReSolver(built)
        checks = _Counting(violated)
        monkeypatch.setattr(Reduction, "violated", checks)
        sol = rs.solve()
        assert sol.status == "optimal"
        assert_certificate(built, sol)
        runs[margin] = (sol, checks.calls, len(rs.rows))
    (off, off_runs, off_rows), (on, on_runs, on_rows) = runs[0.0], runs[resolve.LAZY_MARGIN]
    assert on.objective == pytest.approx(off.objective, rel=1e-12)
    assert np.allclose(on.values, off.values, rtol=1e-9, atol=1e-6)
    assert on_runs <= off_runs and on_rows >= off_rows


def test_resolver_matches_fresh_solves() -> None:
    built = build_model(random_scenario(120, seed=3))
    rs = ReSolver(built)
    rs.solve()
    budget = [
        i for b in built.row_blocks if b.prefix == "budget_year" for i in range(b.start, b.stop)
    ]
    up = built.row_upper.copy()
    up[budget] *= 1.7
    cost = built.col_cost * np.where(np.arange(built.num_col) % 3 == 0, 1.3, 1.0)
    f_up = built.col_upper.copy()
    f_up[built.f_col[:10]] = 0.0
    band = built.row_index(
        next(b.name(b.start) for b in built.row_blocks if b.prefix == "subsidy_floor")
    )
    band_lo = built.row_lower.copy()
    band_lo[band] = -1.0  # a changed band row: the re-solver must reduce again
    cases: list[tuple[dict[str, Any], BuiltModel]] = [
        (dict(row_upper=up), replace(built, row_upper=up)),
        (dict(objective=cost), replace(built, row_upper=up, col_cost=cost)),
        (dict(col_upper=f_up), replace(built, row_upper=up, col_cost=cost, col_upper=f_up)),
        (
            dict(row_lower=band_lo),
            replace(built, row_upper=up, col_cost=cost, col_upper=f_up, row_lower=band_lo),
        ),
    ]
    for change, fresh_built in cases:
        warm = rs.solve(**change)
        fresh = solve(fresh_built, "highs")
        assert warm.status == fresh.status == "optimal"
        assert warm.objective == pytest.approx(fresh.objective, rel=REL)
        assert warm.objective == pytest.approx(plain_highs(fresh_built), rel=REL)
        assert_certificate(fresh_built, warm)


@PROPS
@given(sc=scenarios())
def test_row_check_agrees_with_check_plan(sc: Scenario) -> None:
    built = build_model(sc)
    plain = greedy_plan(sc, built.arrays)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(greedy_mod, "ROW_CHECK_MIN_CANDIDATES", 0)
        fast = greedy_plan(sc, built.arrays, built)
    assert fast.violations == plain.violations
    assert fast.objective == pytest.approx(plain.objective, rel=1e-9, abs=1e-9)


@settings(max_examples=examples(300), deadline=None)
@given(
    value=st.floats(min_value=-1e16, max_value=1e16, allow_nan=False)
    | st.decimals(min_value=-1e6, max_value=1e6, places=4).map(float),
    decimals=st.integers(min_value=0, max_value=3),
)
def test_fast_grouped_numbers_equal_babel(value: float, decimals: int) -> None:
    """English money and numbers skip Babel's per-call parsing, with Babel's exact text."""
    expected = format_decimal(value, format=numbers._pattern(decimals), locale="en")
    assert numbers._grouped(value, decimals, "en") == expected


@pytest.mark.parametrize("value", [2.675, 0.125, 2.5, 99.995, 1e20, -1234.5, 0.006, 123.0])
def test_money_text_is_babels(value: float) -> None:
    for cents in (False, True, None):
        fast = numbers.money(value, cents=cents)
        decimals = 2 if cents or (cents is None and 0 < abs(value) < 100) else 0
        assert fast.endswith(
            format_decimal(abs(value), format=numbers._pattern(decimals), locale="en")
        )
