"""Formula unit tests: known values of NPV, IRR, CAGR, deflation and Range arithmetic."""

from __future__ import annotations

import pytest

from model.costbenefit import (
    Range,
    annualise,
    annuity_factor,
    bcr,
    cagr,
    cagr_range,
    cost_per_unit,
    cost_recovery_path,
    deflate,
    irr,
    leverage,
    npv,
    npv_range,
    public_share_path,
    return_per_dollar,
)
from model.domain.evidence import Deflator

REL = 1e-9
# IRR comes from bisection; this is well above its stopping width.
IRR_ABS = 1e-7


def test_npv_known_value() -> None:
    # 300/1.05 + 400/1.05^2 + 500/1.05^3 = 1,080.4448764 by hand
    assert npv(0.05, [-1000, 300, 400, 500]) == pytest.approx(80.4448764, rel=1e-8)


def test_npv_at_zero_rate_is_the_sum() -> None:
    assert npv(0.0, [-10, 4, 4, 4]) == pytest.approx(2.0, rel=REL)


def test_npv_rejects_rate_at_or_below_minus_one() -> None:
    with pytest.raises(ValueError, match="discount rate"):
        npv(-1.0, [1, 2])


def test_irr_known_values() -> None:
    assert irr([-100, 110]) == pytest.approx(0.10, abs=IRR_ABS)
    # numpy-financial's documented example
    assert irr([-100, 39, 59, 55, 20]) == pytest.approx(0.2809484211599611, abs=IRR_ABS)


def test_irr_is_none_without_a_single_sign_change() -> None:
    assert irr([100, 50, 20]) is None
    assert irr([-100, 230, -132]) is None  # two sign changes: roots at 10 % and 20 %


def test_bcr_discounts_both_streams() -> None:
    # benefits 0, 110 and costs 100, 0 at 10 %: PV 100 over PV 100
    assert bcr([0, 110], [100, 0], 0.10) == pytest.approx(1.0, rel=REL)


def test_annuity_factor_known_value() -> None:
    assert annuity_factor(0.05, 10) == pytest.approx(7.721734929, rel=1e-9)
    assert annuity_factor(0.0, 4) == 4.0


def test_cagr_known_value() -> None:
    assert cagr(100, 121, 2) == pytest.approx(0.10, rel=REL)


def test_cagr_rejects_bad_start() -> None:
    with pytest.raises(ValueError, match="start"):
        cagr(0, 10, 3)


def test_cagr_range_takes_extremes() -> None:
    r = cagr_range(Range(100, 90, 110), Range.point(121), 2)
    assert r.value == pytest.approx(0.10, rel=REL)
    assert r.low == pytest.approx((121 / 110) ** 0.5 - 1, rel=REL)
    assert r.high == pytest.approx((121 / 90) ** 0.5 - 1, rel=REL)


def test_annualise_doubling_over_three_years() -> None:
    assert annualise(Range.point(1.0), 3).value == pytest.approx(2 ** (1 / 3) - 1, rel=REL)


def test_deflate_with_cpi_table() -> None:
    table = [
        Deflator(year=2000, index=172.2, source="t"),
        Deflator(year=2024, index=313.689, source="t"),
    ]
    assert deflate(100.0, 2000, 2024, table) == pytest.approx(100 * 313.689 / 172.2, rel=REL)
    with pytest.raises(ValueError, match="no deflator for year 1985"):
        deflate(100.0, 1985, 2024, table)


def test_cost_per_unit_with_ranges_uses_interval_bounds() -> None:
    r = cost_per_unit(Range.point(680_000), Range(300, 250, 350))
    assert r.value == pytest.approx(680_000 / 300, rel=REL)
    assert r.low == pytest.approx(680_000 / 350, rel=REL)
    assert r.high == pytest.approx(680_000 / 250, rel=REL)


def test_cost_per_unit_rejects_zero_units() -> None:
    with pytest.raises(ValueError, match="units"):
        cost_per_unit(100, 0)


def test_open_bound_stays_open_through_division() -> None:
    # revenue 60,000 is "more than 50 %" of cost: cost <= 120,000, no stated floor
    cost = Range.point(60_000) / Range(low=0.5)
    assert cost.value is None and cost.low is None
    assert cost.high == pytest.approx(120_000, rel=REL)


def test_leverage_and_return_per_dollar() -> None:
    assert leverage(14, 7).value == pytest.approx(2.0, rel=REL)
    assert return_per_dollar(700, 100).value == pytest.approx(7.0, rel=REL)


def test_range_subtraction_crosses_bounds() -> None:
    r = Range(5, 4, 6) - Range(2, 1, 3)
    assert (r.value, r.low, r.high) == (3, 1, 5)


def test_range_rejects_negative_operand_in_product() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        _ = Range.point(-1) * Range.point(2)


def test_range_rejects_disordered_bounds() -> None:
    with pytest.raises(ValueError, match="out of order"):
        Range(5, 6, 7)


def test_npv_range_is_monotone_in_flows() -> None:
    r = npv_range(0.1, [Range(-100, -110, -90), Range.point(110)])
    assert r.value == pytest.approx(0.0, abs=1e-9)
    assert r.low == pytest.approx(-10.0, rel=REL)
    assert r.high == pytest.approx(10.0, rel=REL)


def test_paths_from_fees() -> None:
    recovery = cost_recovery_path([0, 20, 45], [100, 100, 100])
    assert [r.value for r in recovery] == pytest.approx([0.0, 0.2, 0.45])
    public = public_share_path([0.0, 0.2, Range(low=0.4)])
    assert [p.high for p in public] == pytest.approx([1.0, 0.8, 0.6])
    assert public[2].low == 0.0 and public[2].value is None
