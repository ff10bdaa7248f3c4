"""The Plan page's read-out without Streamlit: a result in words, table rows and curves.

``summary_sentence`` says what a plan funds, reaches and returns and which rules bind;
``allocation_rows``, ``funding_long`` and ``candidate_points`` are the table's and
charts' rows; ``sweep_curve`` adds the marginal return to a budget sweep and finds
where it flattens; ``result_from_json`` reads a saved result back.

Units: money US$ (the scenario's price year); scale 0-1 of full scale; plan years 1..H;
marginal return in objective units per US$.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.allocator.api import SweepPoint
from model.allocator.build.arrays import candidate_arrays, curve
from model.allocator.explain.wording import describe, money, report_sentence
from model.allocator.result import (
    AllocationResult,
    ConstraintReport,
)
from model.allocator.scenario import ObjectiveKind, Scenario, same_scenario
from model.domain.candidates import KIND_LABELS, KINDS
from model.formatting import numbers
from model.formatting.i18n import N_, Labels, _, ngettext
from model.planning.demo import scenario_title

SWEEP_FACTORS: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
# The curve "flattens" where one more dollar buys less than this share of what the
# first dollars bought, or (for a benefit objective) less than US$1 of benefit.
FLAT_SHARE = 0.10
FLAT_PER_DOLLAR = 1.0
MARGINAL_NOISE = 1e-9  # objective units per US$
BUDGET_TOL_USD = 1.0  # year budgets this close to the total are the total
# The solver's statuses (AllocationResult.status), marked so a reader gets them in words.
# A solver status in words (the one wording: Plan, Scenarios, workbook and brief).
STATUS_WORDS: Labels = Labels(
    {
        "optimal": N_("optimal"),
        "time_limit": N_("time limit"),
        "infeasible": N_("infeasible"),
        "unbounded": N_("unbounded"),
        "error": N_("error"),
    }
)


def status_words(status: str) -> str:
    """A solver status in words, in the active language ("optimal", "time limit")."""
    return STATUS_WORDS[status] if status in STATUS_WORDS else status.replace("_", " ")


def millions(v: float) -> str:
    """US$ in millions with one decimal from US$1 M up (``US$5.0 M``)."""
    return numbers.millions(v)


def funded_counts(result: AllocationResult, scenario: Scenario) -> dict[str, int]:
    """How many candidates of each kind are funded (scale above zero)."""
    out: dict[str, int] = dict.fromkeys(KINDS, 0)
    for c in scenario.candidates:
        if result.is_funded(c.id):
            out[c.kind] += 1
    return out


def binding_rules(result: AllocationResult, limit: int = 15) -> list[ConstraintReport]:
    """Binding rows with a non-zero shadow price, portfolio-wide rules first, then by size."""
    rows = [c for c in result.constraints if c.binding and c.shadow_price != 0]
    rows.sort(key=lambda c: (not c.portfolio, -abs(c.shadow_price)))
    return rows[:limit]


def dollar_sentences(result: AllocationResult) -> list[str]:
    """What one more (and one less) dollar buys, in plain sentences: the total budget
    and every binding year budget and purse, as measured by re-solving (the reports'
    ``ranging``: rates and ranges; see allocator.explain.ranging)."""
    out = []
    for c in result.constraints:
        if c.rule == "budget_total" or (c.binding and c.rule in ("budget_year", "source_amount")):
            text = report_sentence(c, result.objective_kind)
            out.append(text[:1].upper() + text[1:])
    return out


def _and(words: Sequence[str]) -> str:
    """ "a, b and c" in the active language."""
    if len(words) == 1:
        return words[0]
    return _("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1])


def _kind_count(kind: str, n: int) -> str:
    """ "2 cluster initiatives", "1 broker programme": whole phrases, so each language
    says the plural its own way."""
    figure = numbers.count(n)
    if kind == "cluster_initiative":
        text = ngettext("{n} cluster initiative", "{n} cluster initiatives", n)
    elif kind == "broker_programme":
        text = ngettext("{n} broker programme", "{n} broker programmes", n)
    elif kind == "matching_grant":
        text = ngettext("{n} matching grant", "{n} matching grants", n)
    else:  # a kind added later without its words: the label, lower case
        return f"{figure} {KIND_LABELS[kind].lower()}"
    return text.format(n=figure)


def _seconds(value: float) -> str:
    """A time limit in seconds as people write it ("60", "0.5")."""
    return numbers.number(value, 0 if float(value).is_integer() else 1)


def summary_sentence(result: AllocationResult, scenario: Scenario) -> str:
    """One plain paragraph: budget, what is funded, reach, return, binding rules, money left."""
    h = scenario.horizon_years
    years = ngettext("{n} year", "{n} years", h).format(n=numbers.count(h))
    avail = result.budget_available
    head = (
        _("With {amount} over {years}").format(amount=millions(avail), years=years)
        if avail is not None
        else _("Over {years}").format(years=years)
    )
    if result.objective is None:
        n_steps = len(result.relaxation)
        why = (
            ngettext(
                "{n} rule(s) must give way; see the relaxations below.",
                "{n} rule(s) must give way; see the relaxations below.",
                n_steps,
            ).format(n=numbers.count(n_steps))
            if result.relaxation
            else (result.message or _("no relaxation of the rules makes it feasible."))
        )
        return _("{head} the plan cannot be solved ({status}): {why}").format(
            head=head, status=status_words(result.status), why=why
        )
    counts = funded_counts(result, scenario)
    funded = [_kind_count(k, n) for k, n in counts.items() if n]
    parts = [_and(funded) if funded else _("nothing is funded")]
    enterprises = numbers.count(result.outcomes.get("enterprises", 0.0))
    parts.append(_("{n} enterprises reached").format(n=enterprises))
    parts.append(_("{n} jobs").format(n=numbers.count(result.outcomes.get("jobs", 0.0))))
    rpd = result.return_per_public_dollar
    if rpd is not None:
        parts.append(
            _("{amount} of benefit per public dollar").format(amount=numbers.money(rpd, cents=True))
        )
    names = [describe(c.name)[0] for c in binding_rules(result, 99) if c.portfolio]
    if names:
        rules = _and(names[:4])
        if len(names) > 4:
            rules = _("{rules} and {n} more").format(rules=rules, n=numbers.count(len(names) - 4))
        parts.append(ngettext("{rules} binds", "{rules} bind", len(names)).format(rules=rules))
    else:
        parts.append(_("no portfolio-wide rule binds"))
    text = _("{head}: {parts}.").format(head=head, parts="; ".join(parts))
    if result.status == "time_limit":
        limit = _seconds(scenario.solver.time_limit_s)
        best = (
            _(
                "Best plan found before the {seconds} s time limit, not proven optimal "
                "(optimality gap {gap})."
            ).format(seconds=limit, gap=numbers.share(result.gap, 1))
            if result.gap is not None
            else _("Best plan found before the {seconds} s time limit, not proven optimal.").format(
                seconds=limit
            )
        )
        text = f"{best} {text}"
    if result.unallocated_sentence:
        text += " " + result.unallocated_sentence
    return text


def budget_limit_note(result: AllocationResult, scenario: Scenario) -> str | None:
    """Which budget limits the plan, when it is not the total: year budgets that add up to
    less than the total, or a year's budget that binds while the total does not (US$).
    None when the total is the limit, or no budget rule is on."""
    b = scenario.budget
    if not scenario.rules.budget.enabled or not b.per_year:
        return None
    binding = {c.rule: c for c in result.constraints if c.binding and c.rule.startswith("budget")}
    years = [
        c.index for c in result.constraints if c.rule == "budget_year" and c.binding and c.index
    ]
    where = ""
    if years:
        amounts = [
            _("year {n} ({amount})").format(n=t, amount=money(b.per_year[int(t) - 1]))
            for t in years
        ]
        where = " " + _("The plan uses all of the budget of {years}.").format(years=_and(amounts))
    years_sum = float(sum(b.per_year))
    if b.total is not None and years_sum < b.total - BUDGET_TOL_USD:
        return (
            _(
                "The year budgets add up to {years_sum}, less than the total budget of "
                "{total}: the year budgets, not the total, limit this plan, so at most "
                "{years_sum} can be spent."
            ).format(years_sum=money(years_sum), total=money(b.total))
            + where
        )
    if years and "budget_total" not in binding:
        return _("A year's budget, not the total, limits this plan.") + where
    return None


def allocation_rows(result: AllocationResult, scenario: Scenario) -> list[dict[str, Any]]:
    """One row per funded candidate: funding per plan year (US$), total, scale, outcomes."""
    arr = candidate_arrays(scenario)
    scale = [result.scale.get(c, 0.0) for c in arr.ids]
    reach = curve(scenario, np.asarray(scale, dtype=np.float64))
    rows = []
    for i, c in enumerate(scenario.candidates):
        if not result.is_funded(c.id):
            continue
        years = result.funding.get(c.id, ())
        row: dict[str, Any] = {
            "candidate": c.id,
            "name": c.name,
            "kind": _(KIND_LABELS[c.kind]),
            "region": c.region,
        }
        row.update({f"year {t}": v for t, v in enumerate(years, start=1)})
        row.update(
            total=float(sum(years)),
            scale=scale[i],
            enterprises=float(arr.outcome["enterprises"][i] * reach[i]),
            jobs=float(arr.outcome["jobs"][i] * reach[i]),
            benefit=float(arr.outcome["benefit"][i] * reach[i]),
        )
        rows.append(row)
    return rows


def funding_long(result: AllocationResult, scenario: Scenario) -> list[dict[str, Any]]:
    """Funding per candidate and plan year, one row each (for stacked bar charts)."""
    return [
        {
            "candidate": c.id,
            "kind": _(KIND_LABELS[c.kind]),
            "region": c.region,
            "year": t,
            "amount": v,
        }
        for c in scenario.candidates
        for t, v in enumerate(result.funding.get(c.id, ()), start=1)
        if v > 0
    ]


def candidate_points(result: AllocationResult, scenario: Scenario) -> list[dict[str, Any]]:
    """Every candidate's full-scale cost and benefit (US$), and whether it is funded."""
    return [
        {
            "candidate": c.id,
            "name": c.name,
            "kind": _(KIND_LABELS[c.kind]),
            "cost": c.total_cost,
            "benefit": c.benefit,
            "enterprises": c.enterprises,
            "scale": result.scale.get(c.id, 0.0),
            "status": "funded" if result.is_funded(c.id) else "not funded",
        }
        for c in scenario.candidates
    ]


@dataclass(frozen=True)
class SweepRow:
    """One budget level: budget (US$), objective, money used (US$), and the marginal
    return of the money added since the previous feasible level (objective per US$)."""

    factor: float
    budget: float
    status: str
    objective: float | None
    spent: float
    marginal: float | None


@dataclass(frozen=True)
class SweepCurve:
    """The budget-outcome curve and the budget (US$) after which it flattens (None: never)."""

    rows: tuple[SweepRow, ...]
    flattens_at: float | None
    threshold: float | None
    rule: str = ""


def sweep_curve(
    points: Sequence[SweepPoint], base_budget: float, objective: ObjectiveKind
) -> SweepCurve:
    """Marginal return between consecutive feasible levels and where it flattens.

    It flattens at the start of the first step whose marginal return is below
    ``FLAT_SHARE`` of the first step's, or (benefit objective) below ``FLAT_PER_DOLLAR``.
    """
    if base_budget <= 0:
        raise ValueError(_("budget: the sweep needs a positive budget (rule a on, total set)"))
    rows: list[SweepRow] = []
    prev: SweepRow | None = None
    for p in sorted(points, key=lambda q: q.factor):
        budget = p.factor * base_budget
        marginal = None
        if p.objective is not None:
            if prev is None or prev.objective is None:
                marginal = p.objective / budget if budget > 0 else None
            elif budget > prev.budget:
                marginal = (p.objective - prev.objective) / (budget - prev.budget)
        if marginal is not None and abs(marginal) < MARGINAL_NOISE:
            marginal = 0.0  # solver round-off on equal objectives, not a loss
        row = SweepRow(p.factor, budget, p.status, p.objective, p.total_public, marginal)
        rows.append(row)
        if p.objective is not None:
            prev = row
    if objective == "min_cost":
        return SweepCurve(tuple(rows), None, None, _("a minimum-cost plan has no return curve"))
    first = next((r.marginal for r in rows if r.marginal is not None), None)
    if first is None or first <= 0:
        return SweepCurve(tuple(rows), None, None, _("no feasible level adds anything"))
    threshold = FLAT_SHARE * first
    rule = _("below {percent} % of the first step's return").format(
        percent=numbers.number(100 * FLAT_SHARE)
    )
    if objective == "benefit" and threshold < FLAT_PER_DOLLAR:
        threshold = FLAT_PER_DOLLAR
        rule = _("below {amount} of benefit per dollar").format(
            amount=numbers.money(FLAT_PER_DOLLAR, cents=True)
        )
    feasible = [r for r in rows if r.objective is not None]
    for before, r in itertools.pairwise(feasible):
        if r.marginal is not None and r.marginal < threshold:
            return SweepCurve(tuple(rows), before.budget, threshold, rule)
    return SweepCurve(tuple(rows), None, threshold, rule)


def plan_title(scenario: Scenario, started_from: Scenario | None) -> str:
    """The title of a plan's downloads: its name, marked "(edited)" when it still carries
    the name of the scenario it started from (``started_from``, e.g. the demo) but its
    inputs differ, so an edited what-if never goes out titled as the original."""
    if (
        started_from is not None
        and scenario.name == started_from.name
        and not same_scenario(scenario, started_from)
    ):
        return _("{name} (edited)").format(name=scenario_title(scenario.name))
    return scenario_title(scenario.name)  # the demo's own name in the reader's language
