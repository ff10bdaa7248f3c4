"""The uncertainty results as JSON-ready data, as sentences, and as a plain-text report (CLI).

The order is the order of the questions: the plan's own risk first (a fixed plan
judged in every draw), then what better evidence is worth (EVPI, EVPPI), then the
wait-and-see optimum (if returns were known before deciding), the robust plan, the
tornado and the inclusion frontier.

Units: objective in the scenario's objective units; money whole US$; shares 0-1.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any, TextIO

from model.formatting import numbers
from model.uncertainty.frontier import FrontierPoint
from model.uncertainty.montecarlo import MonteCarloResult, Summary, monte_carlo_to_json
from model.uncertainty.planrisk import CentralPosition, PlanRisk
from model.uncertainty.robust import FUNDING_NOISE_US, PlanOutcome, RobustResult, funding_changes
from model.uncertainty.tornado import Tornado
from model.uncertainty.voi import GroupValue, ValueOfInformation

TABLE_ROWS = 15
MEASURE_WORDS = {"benefit": "Benefit (US$)", "enterprises": "Enterprises reached", "jobs": "Jobs"}
# What one evaluation would settle, per ``GroupValue.kind``, in words for tables and legends.
COVERS = {
    "all": "every return",
    "candidate": "one candidate's returns",
    "instrument": "one instrument's returns",
    "instrument in region": "one instrument in one region",
}


def amount(kind: str, value: float) -> str:
    """A value in objective units, in words: "US$1,234,567", "1,234 enterprises"
    (figures through ``model.formatting.numbers``, whole units)."""
    if kind == "benefit":
        return numbers.money(value)
    if kind in ("enterprises", "jobs"):
        return f"{numbers.count(value)} {kind}"
    return f"{numbers.count(value)} weighted units"


def _plus_minus(kind: str, se: float, what: str = "") -> str:
    """ "± US$X" (and ``what``) for a standard error; one draw has none (its estimate is NaN)."""
    if not math.isfinite(se):
        return "no standard error from one draw"
    return f"± {amount(kind, se)}{what}"


def json_ready(value: Any) -> Any:
    """``value`` with every NaN or infinite number replaced by None (JSON null): strict
    JSON has no NaN, and a standard error from one draw is undefined."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def _summary(d: Summary) -> dict[str, float]:
    return {"mean": d.mean, "p10": d.p10, "p50": d.p50, "p90": d.p90, "min": d.low, "max": d.high}


# --- JSON ---------------------------------------------------------------------------------
def plan_risk_to_json(r: PlanRisk) -> dict[str, Any]:
    """The fixed plan over the draws (no per-draw values, so the JSON stays small)."""
    return {
        "plan": r.label,
        "objective_kind": r.objective_kind,
        "draws": r.spec.draws,
        "seed": r.spec.seed,
        "distribution": r.spec.distribution,
        "objective": {
            **_summary(r.objective_summary),
            "central": r.objective_central,
            "expected": r.objective_expected,
        },
        "outcomes": {
            m: {**_summary(r.summary[m]), "central": r.central[m], "expected": r.expected[m]}
            for m in r.summary
        },
        "targets": [asdict(t) for t in r.targets],
        "scale": dict(r.scale),
    }


def voi_to_json(v: ValueOfInformation) -> dict[str, Any]:
    return {
        "draws": v.draws,
        "estimator": v.estimator,
        "expected_value_plan": v.expected_value,
        "wait_and_see": v.wait_and_see,
        "evpi": v.evpi,
        "evpi_se": v.evpi_se,
        "groups": [asdict(g) for g in v.groups],
    }


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
        "tie": robust_tie(r),
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
    *,
    risk: PlanRisk | None = None,
    voi: ValueOfInformation | None = None,
) -> dict[str, Any]:
    """Everything one ``fomento uncertainty`` run computed, plan's risk first (strict JSON:
    an undefined number is null)."""
    out: dict[str, Any] = {"scenario": mc.scenario}
    if risk is not None:
        out["plan_risk"] = plan_risk_to_json(risk)
    if voi is not None:
        out["value_of_information"] = voi_to_json(voi)
    out["wait_and_see"] = monte_carlo_to_json(mc)
    if robust is not None:
        out["cvar"] = robust_to_json(robust)
    if tornado is not None:
        out["tornado"] = tornado_to_json(tornado)
    if frontier is not None:
        out["frontier"] = frontier_to_json(frontier)
    ready: dict[str, Any] = json_ready(out)
    return ready


# --- sentences ----------------------------------------------------------------------------
def robust_tie(r: RobustResult) -> bool:
    """True when the robust and the expected-value plan are equally good: neither the
    bad cases nor the mean differ by more than US$1 (or one unit of the objective)."""
    return abs(r.cvar_gain) < FUNDING_NOISE_US and abs(r.expected_cost) < FUNDING_NOISE_US


def robust_sentence(r: RobustResult, kind: str) -> str:
    moved = len(funding_changes(r))
    if robust_tie(r):
        if moved:
            return (
                f"The robust plan and the expected-value plan are equally good (a tie): they "
                f"differ on {moved} candidate(s), but the mean of the worst {r.alpha:.0%} of "
                "draws and the mean of all draws are the same for both, so either can be signed."
            )
        return "The robust plan funds the same as the expected-value plan."
    return (
        f"Guarding against the worst {r.alpha:.0%} of draws raises their mean by "
        f"{amount(kind, r.cvar_gain)} and costs {amount(kind, r.expected_cost)} of the "
        "expected outcome."
    )


def evpi_sentence(v: ValueOfInformation) -> str:
    k = v.objective_kind
    return (
        f"Perfect information on every return is worth {amount(k, v.evpi)} "
        f"({_plus_minus(k, v.evpi_se, ', one standard error')}) to this decision: the most that "
        "better evidence could add, on average, to a plan chosen on today's evidence."
    )


def ev_gap_sentence(risk: PlanRisk, v: ValueOfInformation) -> str:
    """When the plan judged is not the expected-value plan the value of information is
    measured from: say so, with both plans' exact expected values ("" when they earn the
    same, within US$1 or one unit)."""
    k = v.objective_kind
    gap = v.expected_value - risk.objective_expected
    if abs(gap) < FUNDING_NOISE_US:
        return ""
    head = (
        f"The value of information is measured from the plan chosen on expected returns, "
        f"which earns {amount(k, v.expected_value)} on average; the plan judged above "
        f"({risk.label}) earns {amount(k, risk.objective_expected)}, {amount(k, abs(gap))} "
    )
    if gap < 0:
        # No plan within the rules beats the expected-value plan on average.
        return head + (
            "more: more than any plan within this scenario's rules earns on average, so the "
            "plan judged does not keep them."
        )
    return head + (
        "less. A plan chosen at the central (most likely) returns, or by hand, is not always "
        "the best on average when ranges are lopsided."
    )


def group_sentence(g: GroupValue, kind: str) -> str:
    """E.g. "An impact evaluation of the broker programmes' returns is worth up to US$X"
    (to the decision: measured from the expected-value plan, see ``ev_gap_sentence``)."""
    what = g.label if g.kind != "candidate" else f"the returns of {g.label}"
    return (
        f"An impact evaluation of {what} is worth up to {amount(kind, g.evppi)} to this decision "
        f"({_plus_minus(kind, g.se)})."
    )


def central_sentence(r: PlanRisk) -> str:
    k = r.objective_kind
    gap = r.objective_expected - r.objective_central
    direction = "above" if gap > 0 else "below"
    return (
        f"At the stated central returns this plan earns {amount(k, r.objective_central)}; "
        f"on average over the ranges it earns {amount(k, r.objective_expected)}, "
        f"{amount(k, abs(gap))} {direction} (the exact mean; the mean of these "
        f"{r.spec.draws:,} draws, {amount(k, r.objective_summary.mean)}, estimates it). The "
        "central value of a return is the most likely value (the mode); the mean of a "
        "lopsided range lies towards its longer side."
    )


def _num(v: float | None) -> str:
    return "no plan" if v is None else f"{v:,.0f}"


def print_report(
    out: TextIO,
    mc: MonteCarloResult,
    robust: RobustResult | None = None,
    tornado: Tornado | None = None,
    frontier: tuple[FrontierPoint, ...] | None = None,
    *,
    risk: PlanRisk | None = None,
    voi: ValueOfInformation | None = None,
    positions: tuple[CentralPosition, ...] = (),
) -> None:
    """A plain-text report of the same results, plan's risk first."""
    w = out.write
    s, k = mc.spec, mc.spec.costs
    kind = mc.objective_kind
    costs = "fixed" if k.fixed else f"multiplier {k.low:g} / {k.mode:g} / {k.high:g}"
    w(f"Scenario: {mc.scenario}\n")
    w(f"{s.draws} draws ({s.distribution}, seed {s.seed}; costs {costs})\n")
    if risk is not None:
        w(f"\nThe plan's own risk ({risk.label}; funded as it is, judged in every draw):\n")
        w(f"  {'':<20} {'P10':>16} {'P50':>16} {'P90':>16} {'central':>16}\n")
        for m, d in risk.summary.items():
            w(
                f"  {MEASURE_WORDS[m]:<20} {d.p10:>16,.0f} {d.p50:>16,.0f} {d.p90:>16,.0f} "
                f"{risk.central[m]:>16,.0f}\n"
            )
        for t in risk.targets:
            w(
                f"  Probability of reaching the {t.measure} target ({t.target:,.0f}): "
                f"{t.probability:.1%} (± {t.se:.1%})\n"
            )
        if not risk.targets:
            w("  The scenario sets no outcome targets.\n")
        w(f"  {central_sentence(risk)}\n")
    if positions:
        lopsided = sorted(positions, key=lambda p: (-abs(p.shift), p.candidate))[:5]
        w("  Largest gaps between a return's mean and its central value (objective units):\n")
        for cp in lopsided:
            pos = "n/a" if cp.position is None else f"{cp.position:.0%}"
            w(
                f"    {cp.candidate:<8} central {cp.central:>14,.0f} at {pos:>4} of its range; "
                f"mean {cp.mean:>14,.0f}\n"
            )
    if voi is not None:
        w(f"\nValue of information ({voi.draws} draws; estimator: {voi.estimator}):\n")
        w(f"  {evpi_sentence(voi)}\n")
        if risk is not None and ev_gap_sentence(risk, voi):
            w(f"  {ev_gap_sentence(risk, voi)}\n")
        w("  Which evaluation is worth most (EVPPI, ranked):\n")
        for g in voi.groups[:TABLE_ROWS]:
            w(f"    {group_sentence(g, kind)}\n")
        if len(voi.groups) > TABLE_ROWS:
            w(f"    ... and {len(voi.groups) - TABLE_ROWS} more (see --format json)\n")
    o = mc.objective
    w("\nIf returns were known before deciding (wait-and-see: re-optimised in every draw):\n")
    w(f"  {mc.feasible} of {s.draws} draws with a feasible plan; {mc.executor} in ")
    w(f"{mc.seconds:.1f} s\n")
    w(f"  Optimum ({kind}): mean {o.mean:,.0f}  P10 {o.p10:,.0f}  ")
    w(f"P50 {o.p50:,.0f}  P90 {o.p90:,.0f}\n")
    w("  Probability of being funded (least certain first):\n")
    ranked = sorted(mc.funded_probability.items(), key=lambda kv: (abs(kv[1] - 0.5), kv[0]))
    for cid, p in ranked[:TABLE_ROWS]:
        w(f"    {cid:<16} {p:>6.1%}   mean scale {mc.mean_scale[cid]:>6.1%}\n")
    if len(ranked) > TABLE_ROWS:
        w(f"    ... and {len(ranked) - TABLE_ROWS} more (see --format json)\n")
    if robust is not None:
        w(f"\nRobust plan (CVaR, worst {robust.alpha:.0%} of {robust.samples} samples):\n")
        w(f"  {robust_sentence(robust, kind)}\n")
        w(f"  Mean of the worst {robust.alpha:.0%}: robust {amount(kind, robust.robust.cvar)}; ")
        w(f"expected-value plan {amount(kind, robust.expected.cvar)}\n")
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
