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
from model.formatting.i18n import N_, Labels, _
from model.uncertainty.frontier import FrontierPoint
from model.uncertainty.montecarlo import MonteCarloResult, Summary, monte_carlo_to_json
from model.uncertainty.planrisk import CentralPosition, PlanRisk
from model.uncertainty.robust import FUNDING_NOISE_US, PlanOutcome, RobustResult, funding_changes
from model.uncertainty.tornado import Tornado, multiplier
from model.uncertainty.voi import GroupValue, ValueOfInformation

TABLE_ROWS = 15
MEASURE_WORDS = Labels(
    {
        "benefit": N_("Benefit (US$)"),
        "enterprises": N_("Enterprises reached"),
        "jobs": N_("Jobs"),
    }
)
# What one evaluation would settle, per ``GroupValue.kind``, in words for tables and legends
# (read in the active language: ``COVERS[kind]``).
COVERS = Labels(
    {
        "all": N_("every return"),
        "candidate": N_("one candidate's returns"),
        "instrument": N_("one instrument's returns"),
        "instrument in region": N_("one instrument in one region"),
    }
)

# The measures and objectives as words inside a sentence ("the benefit target").
KIND_NAMES = Labels(
    {
        "benefit": N_("benefit"),
        "enterprises": N_("enterprises"),
        "jobs": N_("jobs"),
        "weighted": N_("weighted"),
    }
)
DISTRIBUTION_WORDS = Labels({"triangular": N_("triangular"), "uniform": N_("uniform")})


def amount(kind: str, value: float) -> str:
    """A value in objective units, in words: "US$1,234,567", "1,234 enterprises"
    (figures through ``model.formatting.numbers``, whole units)."""
    if kind == "benefit":
        return numbers.money(value)
    if kind == "enterprises":
        return _("{n} enterprises").format(n=numbers.count(value))
    if kind == "jobs":
        return _("{n} jobs").format(n=numbers.count(value))
    return _("{n} weighted units").format(n=numbers.count(value))


def _plus_minus(kind: str, se: float, one_se: bool = False) -> str:
    """ "± US$X" (", one standard error" with ``one_se``) for a standard error; one draw
    has none (its estimate is NaN)."""
    if not math.isfinite(se):
        return _("no standard error from one draw")
    if one_se:
        return _("± {amount}, one standard error").format(amount=amount(kind, se))
    return f"± {amount(kind, se)}"


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
    worst = numbers.share(r.alpha)
    if robust_tie(r):
        if moved:
            return _(
                "The robust plan and the expected-value plan are equally good (a tie): they "
                "differ on {n} candidate(s), but the mean of the worst {alpha} of "
                "draws and the mean of all draws are the same for both, so either can be signed."
            ).format(n=numbers.count(moved), alpha=worst)
        return _("The robust plan funds the same as the expected-value plan.")
    return _(
        "Guarding against the worst {alpha} of draws raises their mean by "
        "{gain} and costs {cost} of the expected outcome."
    ).format(alpha=worst, gain=amount(kind, r.cvar_gain), cost=amount(kind, r.expected_cost))


def evpi_sentence(v: ValueOfInformation) -> str:
    k = v.objective_kind
    return _(
        "Perfect information on every return is worth {amount} "
        "({plus_minus}) to this decision: the most that "
        "better evidence could add, on average, to a plan chosen on today's evidence."
    ).format(amount=amount(k, v.evpi), plus_minus=_plus_minus(k, v.evpi_se, one_se=True))


def ev_gap_sentence(risk: PlanRisk, v: ValueOfInformation) -> str:
    """When the plan judged is not the expected-value plan the value of information is
    measured from: say so, with both plans' exact expected values ("" when they earn the
    same, within US$1 or one unit)."""
    k = v.objective_kind
    gap = v.expected_value - risk.objective_expected
    if abs(gap) < FUNDING_NOISE_US:
        return ""
    figures = {
        "ev_amount": amount(k, v.expected_value),
        "plan": risk.label,
        "plan_amount": amount(k, risk.objective_expected),
        "gap": amount(k, abs(gap)),
    }
    if gap < 0:
        # No plan within the rules beats the expected-value plan on average.
        return _(
            "The value of information is measured from the plan chosen on expected returns, "
            "which earns {ev_amount} on average; the plan judged above "
            "({plan}) earns {plan_amount}, {gap} "
            "more: more than any plan within this scenario's rules earns on average, so the "
            "plan judged does not keep them."
        ).format(**figures)
    return _(
        "The value of information is measured from the plan chosen on expected returns, "
        "which earns {ev_amount} on average; the plan judged above "
        "({plan}) earns {plan_amount}, {gap} "
        "less. A plan chosen at the central (most likely) returns, or by hand, is not always "
        "the best on average when ranges are lopsided."
    ).format(**figures)


def group_sentence(g: GroupValue, kind: str) -> str:
    """E.g. "An impact evaluation of the broker programmes' returns is worth up to US$X"
    (to the decision: measured from the expected-value plan, see ``ev_gap_sentence``)."""
    if g.kind == "candidate":
        text = _(
            "An impact evaluation of the returns of {group} is worth up to {amount} to this "
            "decision ({plus_minus})."
        )
    else:
        text = _(
            "An impact evaluation of {group} is worth up to {amount} to this decision "
            "({plus_minus})."
        )
    return text.format(
        group=g.label, amount=amount(kind, g.evppi), plus_minus=_plus_minus(kind, g.se)
    )


def central_sentence(r: PlanRisk) -> str:
    k = r.objective_kind
    gap = r.objective_expected - r.objective_central
    figures = {
        "central": amount(k, r.objective_central),
        "expected": amount(k, r.objective_expected),
        "gap": amount(k, abs(gap)),
        "draws": numbers.count(r.spec.draws),
        "mean": amount(k, r.objective_summary.mean),
    }
    if gap > 0:
        text = _(
            "At the stated central returns this plan earns {central}; "
            "on average over the ranges it earns {expected}, "
            "{gap} above (the exact mean; the mean of these "
            "{draws} draws, {mean}, estimates it). The "
            "central value of a return is the most likely value (the mode); the mean of a "
            "lopsided range lies towards its longer side."
        )
    else:
        text = _(
            "At the stated central returns this plan earns {central}; "
            "on average over the ranges it earns {expected}, "
            "{gap} below (the exact mean; the mean of these "
            "{draws} draws, {mean}, estimates it). The "
            "central value of a return is the most likely value (the mode); the mean of a "
            "lopsided range lies towards its longer side."
        )
    return text.format(**figures)


def _num(v: float | None) -> str:
    return _("no plan") if v is None else numbers.number(v)


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
    """A plain-text report of the same results, plan's risk first (in the active language,
    figures in its number locale)."""
    w = out.write
    n = numbers.number
    s, k = mc.spec, mc.spec.costs
    kind = mc.objective_kind
    if k.fixed:
        costs = _("fixed")
    else:
        costs = _("multiplier {low} / {mode} / {high}").format(
            low=multiplier(k.low), mode=multiplier(k.mode), high=multiplier(k.high)
        )
    w(_("Scenario: {name}").format(name=mc.scenario) + "\n")
    w(
        _("{draws} draws ({distribution}, seed {seed}; costs {costs})").format(
            draws=s.draws,
            distribution=DISTRIBUTION_WORDS.get(s.distribution, s.distribution),
            seed=s.seed,
            costs=costs,
        )
        + "\n"
    )
    if risk is not None:
        w(
            "\n"
            + _("The plan's own risk ({plan}; funded as it is, judged in every draw):").format(
                plan=risk.label
            )
            + "\n"
        )
        central = _("central")
        w(f"  {'':<20} {'P10':>16} {'P50':>16} {'P90':>16} {central:>16}\n")
        for m, d in risk.summary.items():
            w(
                f"  {MEASURE_WORDS[m]:<20} {n(d.p10):>16} {n(d.p50):>16} {n(d.p90):>16} "
                f"{n(risk.central[m]):>16}\n"
            )
        for t in risk.targets:
            line = _(
                "Probability of reaching the {measure} target ({target}): {probability} (± {se})"
            ).format(
                measure=KIND_NAMES.get(t.measure, t.measure),
                target=n(t.target),
                probability=numbers.share(t.probability, 1),
                se=numbers.share(t.se, 1),
            )
            w(f"  {line}\n")
        if not risk.targets:
            w("  " + _("The scenario sets no outcome targets.") + "\n")
        w(f"  {central_sentence(risk)}\n")
    if positions:
        lopsided = sorted(positions, key=lambda p: (-abs(p.shift), p.candidate))[:5]
        w(
            "  "
            + _("Largest gaps between a return's mean and its central value (objective units):")
            + "\n"
        )
        for cp in lopsided:
            pos = _("n/a") if cp.position is None else numbers.share(cp.position)
            line = _("central {central} at {position} of its range; mean {mean}").format(
                central=f"{n(cp.central):>14}", position=f"{pos:>4}", mean=f"{n(cp.mean):>14}"
            )
            w(f"    {cp.candidate:<8} {line}\n")
    if voi is not None:
        w(
            "\n"
            + _("Value of information ({draws} draws; estimator: {estimator}):").format(
                draws=voi.draws, estimator=_(voi.estimator)
            )
            + "\n"
        )
        w(f"  {evpi_sentence(voi)}\n")
        if risk is not None and ev_gap_sentence(risk, voi):
            w(f"  {ev_gap_sentence(risk, voi)}\n")
        w("  " + _("Which evaluation is worth most (EVPPI, ranked):") + "\n")
        for g in voi.groups[:TABLE_ROWS]:
            w(f"    {group_sentence(g, kind)}\n")
        if len(voi.groups) > TABLE_ROWS:
            more = _("... and {n} more (see --format json)").format(n=len(voi.groups) - TABLE_ROWS)
            w(f"    {more}\n")
    o = mc.objective
    w(
        "\n"
        + _("If returns were known before deciding (wait-and-see: re-optimised in every draw):")
        + "\n"
    )
    w(
        "  "
        + _("{feasible} of {draws} draws with a feasible plan; {executor} in {seconds} s").format(
            feasible=mc.feasible,
            draws=s.draws,
            executor=mc.executor,
            seconds=n(mc.seconds, 1),
        )
        + "\n"
    )
    w(
        "  "
        + _("Optimum ({kind}): mean {mean}  P10 {p10}  P50 {p50}  P90 {p90}").format(
            kind=KIND_NAMES.get(kind, kind),
            mean=n(o.mean),
            p10=n(o.p10),
            p50=n(o.p50),
            p90=n(o.p90),
        )
        + "\n"
    )
    w("  " + _("Probability of being funded (least certain first):") + "\n")
    ranked = sorted(mc.funded_probability.items(), key=lambda kv: (abs(kv[1] - 0.5), kv[0]))
    for cid, p in ranked[:TABLE_ROWS]:
        line = _("{probability}   mean scale {scale}").format(
            probability=f"{numbers.share(p, 1):>6}",
            scale=f"{numbers.share(mc.mean_scale[cid], 1):>6}",
        )
        w(f"    {cid:<16} {line}\n")
    if len(ranked) > TABLE_ROWS:
        more = _("... and {n} more (see --format json)").format(n=len(ranked) - TABLE_ROWS)
        w(f"    {more}\n")
    if robust is not None:
        w(
            "\n"
            + _("Robust plan (CVaR, worst {alpha} of {samples} samples):").format(
                alpha=numbers.share(robust.alpha), samples=robust.samples
            )
            + "\n"
        )
        w(f"  {robust_sentence(robust, kind)}\n")
        w(
            "  "
            + _(
                "Mean of the worst {alpha}: robust {robust}; expected-value plan {expected}"
            ).format(
                alpha=numbers.share(robust.alpha),
                robust=amount(kind, robust.robust.cvar),
                expected=amount(kind, robust.expected.cvar),
            )
            + "\n"
        )
        for row in funding_changes(robust)[:TABLE_ROWS]:
            w(
                f"  {row['candidate']!s:<16} US${n(float(row['expected_value_plan'])):>12} -> "
                f"US${n(float(row['robust_plan'])):>12}\n"
            )
    if tornado is not None:
        w(
            "\n"
            + _("Sensitivity (optimum {base}; one input at a time):").format(base=n(tornado.base))
            + "\n"
        )
        for b in tornado.bars:
            w(
                f"  {b.input:<24} {b.low_label}: {_num(b.objective_low)}   "
                f"{b.high_label}: {_num(b.objective_high)}\n"
            )
    if frontier is not None:
        w(
            "\n"
            + _("Inclusion frontier (floor on the lagging regions' share of public funding):")
            + "\n"
        )
        for pt in frontier:
            share = _("n/a") if pt.lagging_share is None else numbers.share(pt.lagging_share)
            line = _("floor {floor}  optimum {optimum}  reached {share}").format(
                floor=f"{numbers.share(pt.floor):>5}",
                optimum=f"{_num(pt.objective):>16}",
                share=share,
            )
            w(f"  {line}\n")
