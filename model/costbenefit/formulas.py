"""The cost-benefit formulas, as small pure functions on numbers and Ranges.

Money is US$ (any one price year, the caller keeps it consistent); rates and
shares are fractions (0.05 is 5 %); years are counted as whole years. Cash-flow
lists start at year 0 (undiscounted) and step one year per entry.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence

from model.costbenefit.ranges import Range, as_range
from model.domain.evidence import Deflator

# Bisection on the IRR stops once the bracket is narrower than this (a rate).
IRR_TOLERANCE = 1e-10
# The IRR search bracket (rates per year): wide enough for any programme, narrow
# enough that (1 + rate) ** t neither underflows nor overflows over a century.
IRR_LOWEST = -0.99
IRR_HIGHEST = 100.0


def cost_per_unit(cost: Range | float, units: Range | float) -> Range:
    """Cost (US$) per unit of output (network, enterprise, job): ``cost / units``."""
    u = as_range(units)
    if u.high is not None and u.high <= 0:
        raise ValueError(f"units must be positive, got {u}")
    return as_range(cost) / u


def return_per_dollar(benefit: Range | float, cost: Range | float) -> Range:
    """Benefit per dollar spent (US$ per US$): ``benefit / cost``."""
    c = as_range(cost)
    if c.high is not None and c.high <= 0:
        raise ValueError(f"cost must be positive, got {c}")
    return as_range(benefit) / c


def leverage(total: Range | float, public: Range | float) -> Range:
    """Total dollars moved per public (or donor) dollar: ``total / public``.

    Equal to return-per-public-dollar over return-per-dollar, since both
    returns share the same benefit.
    """
    p = as_range(public)
    if p.high is not None and p.high <= 0:
        raise ValueError(f"public amount must be positive, got {p}")
    return as_range(total) / p


def npv(rate: float, cash_flows: Sequence[float]) -> float:
    """Net present value (US$) of yearly cash flows, the first at year 0."""
    _check_rate(rate)
    return math.fsum(cf / (1.0 + rate) ** t for t, cf in enumerate(cash_flows))


def npv_range(rate: float, cash_flows: Sequence[Range]) -> Range:
    """NPV of ranged cash flows.

    NPV rises with every flow (the discount factors are positive), so the
    lowest NPV takes every flow at its low bound and the highest at its high.
    """
    _check_rate(rate)
    if not cash_flows:
        raise ValueError("cash_flows is empty")
    lows = [cf.low for cf in cash_flows]
    highs = [cf.high for cf in cash_flows]
    values = [cf.value for cf in cash_flows]
    return Range(
        None if None in values else npv(rate, [v for v in values if v is not None]),
        None if None in lows else npv(rate, [v for v in lows if v is not None]),
        None if None in highs else npv(rate, [v for v in highs if v is not None]),
    )


def bcr(benefits: Sequence[float], costs: Sequence[float], rate: float) -> float:
    """Benefit-cost ratio: present value of benefits over present value of costs.

    Both streams are yearly US$ amounts from year 0, costs given as positive numbers.
    """
    pv_cost = npv(rate, costs)
    if pv_cost <= 0:
        raise ValueError(f"present value of costs must be positive, got {pv_cost}")
    return npv(rate, benefits) / pv_cost


def annuity_factor(rate: float, years: int) -> float:
    """Present value at year 0 of US$1 received at the end of each of ``years`` years."""
    _check_rate(rate)
    if years < 0:
        raise ValueError(f"years must be >= 0, got {years}")
    if rate == 0:
        return float(years)
    return (1.0 - (1.0 + rate) ** -years) / rate


def sign_changes(cash_flows: Sequence[float]) -> int:
    """How many times the sign of the non-zero flows changes."""
    signs = [cf > 0 for cf in cash_flows if cf != 0]
    return sum(1 for a, b in itertools.pairwise(signs) if a != b)


def irr(cash_flows: Sequence[float]) -> float | None:
    """Internal rate of return (a rate per year), or None when it is not unique.

    Only flows with exactly one sign change have a single IRR (Descartes'
    rule of signs); for any other stream, or a root outside
    ``IRR_LOWEST``-``IRR_HIGHEST``, the function returns None rather than
    pick one of several roots.
    """
    if sign_changes(cash_flows) != 1:
        return None
    lo, hi = IRR_LOWEST, IRR_HIGHEST
    f_lo = npv(lo, cash_flows)
    if f_lo == 0:
        return lo
    if f_lo * npv(hi, cash_flows) > 0:
        return None
    # Bisection is slower than Newton but cannot diverge or jump to a far root.
    while hi - lo > IRR_TOLERANCE * max(1.0, abs(lo)):
        mid = (lo + hi) / 2.0
        f_mid = npv(mid, cash_flows)
        if f_mid == 0:
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate (share per year) from ``start`` to ``end``."""
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    if start <= 0 or end < 0:
        raise ValueError(f"cagr needs start > 0 and end >= 0, got {start} and {end}")
    return float((end / start) ** (1.0 / years) - 1.0)


def cagr_range(start: Range, end: Range, years: float) -> Range:
    """CAGR of ranged values: lowest from the highest start to the lowest end."""

    def rate(s: float | None, e: float | None) -> float | None:
        return None if s is None or e is None else cagr(s, e, years)

    return Range(rate(start.value, end.value), rate(start.high, end.low), rate(start.low, end.high))


def annualise(growth: Range, years: float) -> Range:
    """Average yearly rate equivalent to a total growth (share) over ``years`` years."""
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")

    def rate(g: float | None) -> float | None:
        if g is None:
            return None
        if g <= -1:
            raise ValueError(f"growth must be above -100 %, got {g}")
        return float((1.0 + g) ** (1.0 / years) - 1.0)

    return Range(rate(growth.value), rate(growth.low), rate(growth.high))


def cost_recovery_path(
    revenue_by_year: Sequence[Range | float], cost_by_year: Sequence[Range | float]
) -> tuple[Range, ...]:
    """Share of each year's cost (0-1, may exceed 1) covered by own revenue or fees."""
    if len(revenue_by_year) != len(cost_by_year):
        raise ValueError(
            f"revenue_by_year has {len(revenue_by_year)} years, cost_by_year {len(cost_by_year)}"
        )
    return tuple(
        return_per_dollar(r, c) for r, c in zip(revenue_by_year, cost_by_year, strict=True)
    )


def public_share_path(recovery_by_year: Iterable[Range | float]) -> tuple[Range, ...]:
    """Share of each year's cost (0-1) left to public or donor money: ``1 - recovery``.

    Recovery above 1 (a surplus) means no public share, hence the clamp.
    """
    out = []
    for rec in recovery_by_year:
        r = as_range(rec).clamp(0.0, 1.0)
        out.append((1.0 - r).clamp(0.0, 1.0))
    return tuple(out)


def deflator_table(deflators: Iterable[Deflator]) -> dict[int, float]:
    """Index value by year; duplicate years are an error."""
    table: dict[int, float] = {}
    for d in deflators:
        if d.year in table:
            raise ValueError(f"deflators: year {d.year} appears twice")
        table[d.year] = d.index
    return table


def deflate_factor(from_year: int, to_year: int, deflators: Mapping[int, float]) -> float:
    """Multiplier turning US$ of ``from_year`` into constant US$ of ``to_year``."""
    for year in (from_year, to_year):
        if year not in deflators:
            known = f"{min(deflators)}-{max(deflators)}" if deflators else "none"
            raise ValueError(f"no deflator for year {year} (table covers {known})")
    return deflators[to_year] / deflators[from_year]


def deflate(
    amount: float, from_year: int, to_year: int, deflators: Mapping[int, float] | Iterable[Deflator]
) -> float:
    """``amount`` US$ of ``from_year`` expressed in constant US$ of ``to_year``."""
    table = deflators if isinstance(deflators, Mapping) else deflator_table(deflators)
    return amount * deflate_factor(from_year, to_year, table)


def _check_rate(rate: float) -> None:
    if not math.isfinite(rate) or rate <= -1:
        raise ValueError(f"discount rate must be above -1 (-100 %), got {rate}")
