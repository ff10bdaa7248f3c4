"""Compare two or more saved scenarios: headline figures, funding per candidate, totals, rules.

Every difference (delta) is taken against the *first* scenario given, the
reference, so "Δ" always reads "this scenario minus the reference".

Units: money in US$ of each scenario's price year (a note warns when price
years differ); enterprises and jobs are counts at the plan's scale; return per
public dollar is US$ of benefit per public US$; plan years 1..H.

The scenario store gives typed scenarios and results. A scenario saved without a
result is solved on the fly (``prepare``) and marked ``solved_now``: it is not saved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast, get_args

from model.allocator.api import allocate
from model.allocator.explain.reports import IDLE_ROW_RULES
from model.allocator.explain.wording import constraint_sentence, idle_row_sentence, split
from model.allocator.result import AllocationResult, ConstraintReport
from model.allocator.scenario import ObjectiveKind, Scenario
from model.domain.candidates import KIND_LABELS, KINDS
from model.formatting import numbers
from model.formatting.i18n import N_, _

# A change of a candidate's funding smaller than this is solver rounding, not a move (US$).
# "Funded" is the allocator's one definition (AllocationResult.is_funded).
MOVED_MIN_USD = 1.0

# A metric's unit stays in English: it is also a key (``charts.plan.figure_text`` formats
# "US$..." as money and "count" as whole numbers); show it with ``unit_text(row.unit)``. The
# objective's unit words are the English of numbers.UNIT_WORDS, one definition.
OBJECTIVE_UNIT: dict[str, str] = {
    k: numbers.UNIT_WORDS.english(k)
    for k in ("benefit", "enterprises", "jobs", "weighted", "min_cost")
}
UNIT_DIFFERS = N_("differs")
UNIT_RETURN = N_("US$ of benefit per US$")
TotalGroup = Literal["kind", "region", "year", "source"]


def unit_text(unit: str) -> str:
    """A metric's unit key in the reader's words ("count" -> "cantidad"; US$ stays US$)."""
    if not unit:
        return unit
    return numbers.unit_words(unit) if unit in numbers.UNIT_WORDS else _(unit)


@dataclass(frozen=True)
class Compared:
    """One scenario in a comparison: its saved name, inputs and result.

    ``solved_now``: the result was computed for this comparison and not saved.
    """

    name: str
    scenario: Scenario
    result: AllocationResult
    solved_now: bool = False


def prepare(name: str, scenario: Scenario, result: AllocationResult | None) -> Compared:
    """A saved scenario ready to compare; one saved without a result is solved now (not
    saved)."""
    if result is None:
        return Compared(name, scenario, allocate(scenario), solved_now=True)
    return Compared(name, scenario, result)


@dataclass(frozen=True)
class MetricRow:
    """A headline figure per scenario; ``deltas[i]`` = value i minus value 0 (None if either
    is missing)."""

    key: str
    label: str
    unit: str
    values: tuple[float | None, ...]
    deltas: tuple[float | None, ...]


@dataclass(frozen=True)
class CandidateRow:
    """Public funding (US$ over the horizon) of one candidate in each scenario; None where the
    scenario does not have the candidate (counted as 0 in the deltas)."""

    id: str
    name: str
    kind: str
    region: str
    funding: tuple[float | None, ...]
    deltas: tuple[float, ...]

    @property
    def largest_move(self) -> float:
        """The largest absolute change against the reference (US$)."""
        return max((abs(d) for d in self.deltas), default=0.0)


@dataclass(frozen=True)
class TotalRow:
    """Public funding (US$) of one kind, region, plan year or source in each scenario."""

    group: TotalGroup
    key: str
    values: tuple[float, ...]
    deltas: tuple[float, ...]


@dataclass(frozen=True)
class RuleRow:
    """A rule (constraint) that binds with a non-zero shadow price in at least one scenario.

    ``shadow_price``: change of the objective per unit more of the rule's limit, None where
    the scenario does not have the rule; ``sentence`` from the first scenario it binds in.
    """

    name: str
    family: str
    portfolio: bool
    binding: tuple[bool, ...]
    shadow_price: tuple[float | None, ...]
    sentence: str

    @property
    def changed(self) -> bool:
        return len(set(self.binding)) > 1


@dataclass(frozen=True)
class Comparison:
    """Everything that differs between the scenarios; the first is the reference."""

    names: tuple[str, ...]
    metrics: tuple[MetricRow, ...]
    candidates: tuple[CandidateRow, ...]
    totals: tuple[TotalRow, ...]
    rules: tuple[RuleRow, ...]
    notes: tuple[str, ...]

    def metric(self, key: str) -> MetricRow:
        for m in self.metrics:
            if m.key == key:
                return m
        raise KeyError(key)

    def moved(self) -> tuple[CandidateRow, ...]:
        """Candidates whose funding changed by at least ``MOVED_MIN_USD``, largest first."""
        return tuple(c for c in self.candidates if c.largest_move >= MOVED_MIN_USD)


def _delta(values: Sequence[float | None]) -> tuple[float | None, ...]:
    ref = values[0]
    return tuple(None if v is None or ref is None else v - ref for v in values)


def _row(key: str, label: str, unit: str, values: Sequence[float | None]) -> MetricRow:
    clean = tuple(None if v is None or math.isnan(v) else v for v in values)
    return MetricRow(key, label, unit, clean, _delta(clean))


def funded_count(result: AllocationResult, scenario: Scenario, kind: str | None = None) -> int:
    """Candidates (of ``kind``, or all) the plan funds (``AllocationResult.is_funded``)."""
    return sum(
        1
        for c in scenario.candidates
        if result.is_funded(c.id) and (kind is None or c.kind == kind)
    )


def _metrics(items: Sequence[Compared]) -> tuple[MetricRow, ...]:
    res = [c.result for c in items]
    kinds = {r.objective_kind for r in res}
    unit = OBJECTIVE_UNIT.get(res[0].objective_kind, "") if len(kinds) == 1 else UNIT_DIFFERS
    rows = [
        _row("objective", _("Objective"), unit, [r.objective for r in res]),
        _row("budget_available", _("Budget available"), "US$", [r.budget_available for r in res]),
        _row("total_public", _("Money used (public)"), "US$", [r.total_public for r in res]),
        _row("unallocated", _("Unallocated"), "US$", [r.unallocated for r in res]),
        _row(
            "return_per_public_dollar",
            _("Return per public dollar"),
            UNIT_RETURN,
            [r.return_per_public_dollar for r in res],
        ),
        _row("benefit", _("Benefit"), "US$", [r.outcomes.get("benefit") for r in res]),
        _row(
            "enterprises",
            _("Enterprises reached"),
            "count",
            [r.outcomes.get("enterprises") for r in res],
        ),
        _row("jobs", _("Jobs"), "count", [r.outcomes.get("jobs") for r in res]),
        _row("fee_revenue", _("Fee revenue"), "US$", [r.fee_revenue for r in res]),
        _row(
            "funded",
            _("Candidates funded"),
            "count",
            [float(funded_count(c.result, c.scenario)) for c in items],
        ),
    ]
    for kind in KINDS:
        counts = [float(funded_count(c.result, c.scenario, kind)) for c in items]
        label = _("Funded: {kind}").format(kind=_(KIND_LABELS[kind]))
        rows.append(_row(f"funded_{kind}", label, "count", counts))
    return tuple(rows)


def _candidates(items: Sequence[Compared]) -> tuple[CandidateRow, ...]:
    info: dict[str, tuple[str, str, str]] = {}
    for c in items:
        for cand in c.scenario.candidates:
            info.setdefault(cand.id, (cand.name, cand.kind, cand.region))
    rows = []
    for cid, (name, kind, region) in info.items():
        funding: list[float | None] = []
        for c in items:
            has = any(cand.id == cid for cand in c.scenario.candidates)
            funding.append(float(sum(c.result.funding.get(cid, ()))) if has else None)
        ref = funding[0] or 0.0
        deltas = tuple((v or 0.0) - ref for v in funding)
        rows.append(CandidateRow(cid, name, kind, region, tuple(funding), deltas))
    rows.sort(key=lambda r: (-round(r.largest_move, 2), r.id))
    return tuple(rows)


def _totals(items: Sequence[Compared]) -> tuple[TotalRow, ...]:
    res = [c.result for c in items]
    groups: list[tuple[TotalGroup, list[dict[str, float]]]] = [
        ("kind", [r.totals_by_kind for r in res]),
        ("region", [r.totals_by_region for r in res]),
        (
            "year",
            [
                {_("Year {n}").format(n=t): v for t, v in enumerate(r.totals_by_year, start=1)}
                for r in res
            ],
        ),
        ("source", [r.totals_by_source for r in res]),
    ]
    rows = []
    for group, maps in groups:
        keys: list[str] = list(KINDS) if group == "kind" else []
        for m in maps:
            keys += [k for k in m if k not in keys]
        for key in keys:
            values = tuple(m.get(key, 0.0) for m in maps)
            rows.append(TotalRow(group, key, values, tuple(v - values[0] for v in values)))
    return tuple(rows)


def rule_sentence(report: ConstraintReport, result: AllocationResult) -> str:
    """A rule's sentence in the active language, made again from the report's own numbers as
    the solve wrote it (a saved result keeps its sentences in the language it was solved
    in): a priced row of an unfunded candidate gets the idle-row sentence, any other row
    ``constraint_sentence``. The stored sentence when the numbers cannot make one (an
    objective kind or a row name this version does not know)."""
    kind = result.objective_kind
    if kind not in get_args(ObjectiveKind):
        return report.sentence
    try:
        prefix, args = split(report.name)  # reports saved before ``rule`` was kept have it ""
        if (
            report.binding
            and report.shadow_price != 0
            and prefix in IDLE_ROW_RULES
            and args
            and not result.is_funded(args[0])
        ):
            return idle_row_sentence(report.name, report.shadow_price)
        return constraint_sentence(report, cast(ObjectiveKind, kind))
    except (ValueError, KeyError, IndexError, TypeError):
        return report.sentence


def _rules(items: Sequence[Compared]) -> tuple[RuleRow, ...]:
    by_name = [{c.name: c for c in it.result.constraints} for it in items]
    names: list[str] = []
    for reports in by_name:
        names += [n for n, c in reports.items() if c.binding and c.shadow_price != 0]
    rows = []
    for name in dict.fromkeys(names):
        found = [m.get(name) for m in by_name]
        k = next(
            k for k, c in enumerate(found) if c is not None and c.binding and c.shadow_price != 0
        )
        first = found[k]
        assert first is not None  # chosen above
        rows.append(
            RuleRow(
                name=name,
                family=first.family,
                portfolio=first.portfolio,
                binding=tuple(c is not None and c.binding and c.shadow_price != 0 for c in found),
                shadow_price=tuple(None if c is None else c.shadow_price for c in found),
                sentence=rule_sentence(first, items[k].result),
            )
        )
    rows.sort(key=lambda r: (not r.portfolio, not r.changed))
    return tuple(rows)


def _notes(items: Sequence[Compared]) -> tuple[str, ...]:
    notes = []
    ref = items[0]
    kinds = {c.result.objective_kind for c in items}
    if len(kinds) > 1:
        notes.append(
            _(
                "The objectives differ ({objectives}): compare money used, enterprises and "
                "jobs rather than the objective values."
            ).format(objectives=", ".join(sorted(kinds)))
        )
    years = {c.scenario.price_year for c in items}
    if len(years) > 1:
        notes.append(
            _(
                "Money is in US$ of different price years ({years}); the differences mix "
                "price levels."
            ).format(years=", ".join(map(str, sorted(years))))
        )
    for c in items:
        if c.solved_now:
            notes.append(
                _(
                    "'{name}' was saved without a result: solved now for this comparison, "
                    "not saved."
                ).format(name=c.name)
            )
        if c.result.objective is None:
            notes.append(
                _("'{name}' has no feasible plan ({status}); its figures are blank.").format(
                    name=c.name, status=c.result.status
                )
            )
    if any(c.scenario.horizon_years != ref.scenario.horizon_years for c in items):
        notes.append(_("The horizons differ: compare totals over the horizon, not year by year."))
    return tuple(notes)


def compare(items: Sequence[Compared]) -> Comparison:
    """Compare two or more scenarios; the first is the reference of every delta."""
    if len(items) < 2:
        raise ValueError(_("scenarios: pick at least two scenarios to compare"))
    names = [c.name for c in items]
    if len(set(names)) != len(names):
        raise ValueError(_("scenarios: each scenario may appear only once in a comparison"))
    return Comparison(
        names=tuple(names),
        metrics=_metrics(items),
        candidates=_candidates(items),
        totals=_totals(items),
        rules=_rules(items),
        notes=_notes(items),
    )
