"""The uncertainty results as JSON-ready data and as a plain-text report (CLI).

Units: objective in the scenario's objective units; money US$; shares 0-1.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, TextIO

from model.uncertainty.frontier import FrontierPoint
from model.uncertainty.montecarlo import MonteCarloResult, monte_carlo_to_json
from model.uncertainty.robust import PlanOutcome, RobustResult, funding_changes
from model.uncertainty.tornado import Tornado

TABLE_ROWS = 15


def _plan(p: PlanOutcome) -> dict[str, Any]:
    return {"mean": p.mean, "cvar": p.cvar, "scale": dict(p.scale), "funding": dict(p.funding)}


def robust_to_json(r: RobustResult) -> dict[str, Any]:
    """The CVaR comparison without the per-sample outcomes."""
    return {
        "alpha": r.alpha,
        "samples": r.samples,
        "status": r.status,
        "lp_cvar": r.lp_cvar,
        "robust": _plan(r.robust),
        "expected_value": _plan(r.expected),
        "expected_cost": r.expected_cost,
        "cvar_gain": r.cvar_gain,
        "funding_changes": funding_changes(r),
    }


def tornado_to_json(t: Tornado) -> dict[str, Any]:
    return {
        "base": t.base,
        "inputs": t.inputs,
        "bars": [{**asdict(b), "swing": b.swing} for b in t.bars],
    }


def frontier_to_json(points: tuple[FrontierPoint, ...]) -> list[dict[str, Any]]:
    return [asdict(p) for p in points]


def report_json(
    mc: MonteCarloResult,
    robust: RobustResult | None = None,
    tornado: Tornado | None = None,
    frontier: tuple[FrontierPoint, ...] | None = None,
) -> dict[str, Any]:
    """Everything one ``fomento uncertainty`` run computed."""
    out = monte_carlo_to_json(mc)
    if robust is not None:
        out["cvar"] = robust_to_json(robust)
    if tornado is not None:
        out["tornado"] = tornado_to_json(tornado)
    if frontier is not None:
        out["frontier"] = frontier_to_json(frontier)
    return out


def _num(v: float | None) -> str:
    return "no plan" if v is None else f"{v:,.0f}"


def print_report(
    out: TextIO,
    mc: MonteCarloResult,
    robust: RobustResult | None = None,
    tornado: Tornado | None = None,
    frontier: tuple[FrontierPoint, ...] | None = None,
) -> None:
    """A plain-text report of the same results."""
    w = out.write
    s, k, o = mc.spec, mc.spec.costs, mc.objective
    costs = "fixed" if k.fixed else f"multiplier {k.low:g} / {k.mode:g} / {k.high:g}"
    w(f"Scenario: {mc.scenario}\n")
    w(f"{s.draws} draws ({s.distribution}, seed {s.seed}; costs {costs}); ")
    w(f"{mc.feasible} with a feasible plan; {mc.executor} in {mc.seconds:.1f} s\n")
    w(f"Optimum ({mc.objective_kind}): mean {o.mean:,.0f}  P10 {o.p10:,.0f}  ")
    w(f"P50 {o.p50:,.0f}  P90 {o.p90:,.0f}\n")
    w("\nProbability of being funded (least certain first):\n")
    ranked = sorted(mc.funded_probability.items(), key=lambda kv: (abs(kv[1] - 0.5), kv[0]))
    for cid, p in ranked[:TABLE_ROWS]:
        w(f"  {cid:<16} {p:>6.1%}   mean scale {mc.mean_scale[cid]:>6.1%}\n")
    if len(ranked) > TABLE_ROWS:
        w(f"  ... and {len(ranked) - TABLE_ROWS} more (see --format json)\n")
    if robust is not None:
        w(f"\nRobust plan (CVaR, worst {robust.alpha:.0%} of {robust.samples} samples):\n")
        w(f"  CVaR: robust {robust.robust.cvar:,.0f}  expected-value plan ")
        w(f"{robust.expected.cvar:,.0f}  (gain {robust.cvar_gain:,.0f})\n")
        w(f"  Mean: robust {robust.robust.mean:,.0f}  expected-value plan ")
        w(f"{robust.expected.mean:,.0f}  (cost of robustness {robust.expected_cost:,.0f})\n")
        for row in funding_changes(robust)[:TABLE_ROWS]:
            w(
                f"  {row['candidate']!s:<16} US${float(row['expected_value_plan']):>12,.0f} -> "
                f"US${float(row['robust_plan']):>12,.0f}\n"
            )
    if tornado is not None:
        w(f"\nSensitivity (optimum {tornado.base:,.0f}; one input at a time):\n")
        for b in tornado.bars:
            w(
                f"  {b.input:<24} {b.low_label}: {_num(b.objective_low)}   "
                f"{b.high_label}: {_num(b.objective_high)}\n"
            )
    if frontier is not None:
        w("\nInclusion frontier (floor on the lagging regions' share of public funding):\n")
        for pt in frontier:
            share = "n/a" if pt.lagging_share is None else f"{pt.lagging_share:.0%}"
            w(f"  floor {pt.floor:>5.0%}  optimum {_num(pt.objective):>16}  reached {share}\n")
