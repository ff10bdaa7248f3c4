"""Export one saved scenario with its inputs and results: an Excel workbook and CLI JSON.

- ``workbook``: one sheet per table (``SHEETS``); numbers stay numbers, every text
  cell goes through ``model.store.exporter.neutralise`` against formula injection.
- ``scenario_json``: the scenario inputs as ``fomento allocate FILE`` reads them.
- The printable one-page brief is ``model.planning.brief.brief_html``; it shares
  ``ScenarioDocument``, ``summary_sentence`` and the assumptions defined here.

Units: money in US$ of the scenario's price year; shares 0-1; plan years 1..H.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook

from model.allocator.build.lp import FAMILIES
from model.allocator.explain.wording import OBJECTIVE_UNITS, money
from model.allocator.result import AllocationResult
from model.allocator.scenario import Rules, Scenario, budget_available
from model.domain.candidates import Candidate
from model.formatting.cells import neutralise
from model.planning.compare import funded_count

SHEETS: tuple[str, ...] = (
    "summary",
    "candidates",
    "allocation",
    "totals",
    "constraints",
    "unfunded",
    "baseline",
)
RULE_KEYS: tuple[str, ...] = tuple(Rules.model_fields)
Cell = str | float | int | bool | None


@dataclass(frozen=True)
class ScenarioDocument:
    """A saved scenario to export.

    ``solved_now``: the result was computed for this export and is not saved;
    ``saved_at``/``saved_by``/``version`` describe the stored record (None if unsaved).
    """

    name: str
    notes: str
    dataset: str
    scenario: Scenario
    result: AllocationResult
    saved_by: str = ""
    saved_at: datetime | None = None
    version: int | None = None
    solved_now: bool = False


def file_stem(name: str) -> str:
    """A safe file name stem for a scenario name (``fomento-scenario-demo-baseline``)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60]
    return f"fomento-scenario-{slug or 'unnamed'}"


def scenario_json(doc: ScenarioDocument) -> bytes:
    """The scenario inputs as ``fomento allocate FILE`` accepts them, named as saved."""
    sc = doc.scenario.model_copy(update={"name": doc.name[:200]})
    return (json.dumps(sc.model_dump(mode="json"), indent=2) + "\n").encode("utf-8")


def summary_sentence(doc: ScenarioDocument) -> str:
    """One sentence a minister can read: money, reach and return of the plan."""
    sc, r = doc.scenario, doc.result
    if r.objective is None:
        fixes = "; ".join(s.sentence.rstrip(".") for s in r.relaxation[:2])
        tail = f" To make it feasible: {fixes}." if fixes else ""
        return f"No feasible plan ({r.status}) under these rules.{tail}"
    budget = budget_available(sc)
    start = "With no budget limit" if budget is None else f"With {money(budget)}"
    reach = (
        f"reaches {r.outcomes.get('enterprises', 0.0):,.0f} enterprises, "
        f"{r.outcomes.get('jobs', 0.0):,.0f} jobs and "
        f"{money(r.outcomes.get('benefit', 0.0))} of expected benefit"
    )
    rpd = r.return_per_public_dollar
    ret = "" if rpd is None else f" (US${rpd:,.2f} of benefit per public dollar)"
    return (
        f"{start} over {sc.horizon_years} years (US$ of {sc.price_year}), the plan funds "
        f"{funded_count(r, sc)} of {len(sc.candidates)} candidates with "
        f"{money(r.total_public)} of public money and {reach}{ret}. "
        f"{r.unallocated_sentence}"
    ).strip()


def rules_enabled(sc: Scenario) -> list[tuple[str, bool]]:
    return [(FAMILIES[k], bool(getattr(sc.rules, k).enabled)) for k in RULE_KEYS]


def assumption_rows(doc: ScenarioDocument) -> list[tuple[str, Cell, str]]:
    """(item, value, unit or meaning) for the summary sheet and the brief."""
    sc = doc.scenario
    rows: list[tuple[str, Cell, str]] = [
        ("scenario", doc.name, "as saved"),
        ("notes", doc.notes, ""),
        ("dataset", doc.dataset, "planning dataset of the candidates"),
        ("horizon_years", sc.horizon_years, "years"),
        ("price_year", sc.price_year, "money in US$ of this year"),
        ("budget_total", sc.budget.total, "US$ over the horizon (blank: none)"),
    ]
    for t, v in enumerate(sc.budget.per_year or (), start=1):
        rows.append((f"budget_year_{t}", v, "US$"))
    rows += [
        ("carry_over", sc.budget.carry_over, "unspent money moves to the next year"),
        ("objective", sc.objective.kind, OBJECTIVE_UNITS.get(sc.objective.kind, "")),
    ]
    rows += [
        (f"weight_{m}", w, "objective units per unit") for m, w in sc.objective.weights.items()
    ]
    rows += [(f"target_{m}", v, "least total") for m, v in sc.objective.targets.items()]
    rows.append(
        ("diminishing_returns", sc.objective.diminishing_returns.enabled, "concave outcome")
    )
    rows += [(f"rule {family}", on, "enabled") for family, on in rules_enabled(sc)]
    rows += [
        ("solver", sc.solver.solver, "chosen in the scenario"),
        ("time_limit_s", sc.solver.time_limit_s, "seconds"),
        ("mip_gap", sc.solver.mip_gap, "share 0-1"),
    ]
    return rows


def result_rows(doc: ScenarioDocument) -> list[tuple[str, Cell, str]]:
    r = doc.result
    kind = r.objective_kind
    rows: list[tuple[str, Cell, str]] = [
        ("status", r.status, "optimal, time_limit, infeasible, ..."),
        ("solver_used", r.solver, ""),
        ("objective", r.objective, OBJECTIVE_UNITS.get(kind, "")),
        ("return_per_public_dollar", r.return_per_public_dollar, "US$ of benefit per US$"),
        ("public_money_used", r.total_public, "US$"),
        ("budget_available", r.budget_available, "US$"),
        ("unallocated", r.unallocated, "US$"),
        ("unallocated_sentence", r.unallocated_sentence, ""),
    ]
    rows += [(m, v, "US$" if m == "benefit" else "count") for m, v in r.outcomes.items()]
    rows += [
        ("fee_revenue", r.fee_revenue, "US$ paid by client firms"),
        ("candidates_funded", funded_count(r, doc.scenario), "count"),
        ("is_mip", r.is_mip, "go/no-go decisions present"),
        ("gap", r.gap, "share 0-1 (MILP optimality gap)"),
        (
            "result",
            "computed for this export, not saved" if doc.solved_now else "as saved",
            "",
        ),
    ]
    rows += [(f"relax {s.rule}", s.amount, s.sentence) for s in r.relaxation]
    return rows


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, bool | int | float):
        return value
    return neutralise(str(value))


def _sheet(
    wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"


def _candidate_rows(sc: Scenario) -> tuple[list[str], list[list[object]]]:
    n_cost = max(len(c.cost_by_year) for c in sc.candidates)
    n_fee = max((len(c.fee_schedule) for c in sc.candidates), default=0)
    scalar = [f for f in Candidate.model_fields if f not in ("cost_by_year", "fee_schedule")]
    header = [*scalar, "total_cost"]
    header += [f"cost_op_year_{k}" for k in range(1, n_cost + 1)]
    header += [f"fee_share_op_year_{k}" for k in range(1, n_fee + 1)]
    rows = []
    for c in sc.candidates:
        costs = list(c.cost_by_year) + [None] * (n_cost - len(c.cost_by_year))
        fees = list(c.fee_schedule) + [None] * (n_fee - len(c.fee_schedule))
        rows.append([getattr(c, f) for f in scalar] + [c.total_cost, *costs, *fees])
    return header, rows


def workbook(doc: ScenarioDocument) -> bytes:
    """The Excel workbook bytes, one sheet per table in ``SHEETS``."""
    sc, r = doc.scenario, doc.result
    wb = Workbook()
    wb.remove(wb.active)
    summary = [("assumptions", *row) for row in assumption_rows(doc)]
    summary += [("results", *row) for row in result_rows(doc)]
    _sheet(wb, "summary", ["section", "item", "value", "unit or meaning"], summary)
    _sheet(wb, "candidates", *_candidate_rows(sc))
    years = [f"year_{t}_usd" for t in range(1, sc.horizon_years + 1)]
    alloc = []
    for c in sc.candidates:
        row = r.funding.get(c.id, ())
        alloc.append([c.id, c.name, c.kind, c.region, r.scale.get(c.id), *row, float(sum(row))])
    _sheet(
        wb,
        "allocation",
        ["candidate", "name", "kind", "region", "scale", *years, "total_usd"],
        alloc,
    )
    totals: list[tuple[str, str, float]] = [("kind", k, v) for k, v in r.totals_by_kind.items()]
    totals += [("region", k, v) for k, v in r.totals_by_region.items()]
    totals += [("year", str(t), v) for t, v in enumerate(r.totals_by_year, start=1)]
    totals += [("source", k, v) for k, v in r.totals_by_source.items()]
    _sheet(wb, "totals", ["group", "key", "public_usd"], totals)
    _sheet(
        wb,
        "constraints",
        [
            "name",
            "family",
            "sense",
            "rhs",
            "activity",
            "slack",
            "shadow_price",
            "binding",
            "sentence",
        ],
        (
            [
                c.name,
                c.family,
                c.sense,
                c.rhs,
                c.activity,
                c.slack,
                c.shadow_price,
                c.binding,
                c.sentence,
            ]
            for c in r.constraints
        ),
    )
    _sheet(
        wb,
        "unfunded",
        ["candidate", "reason", "return_per_public_dollar", "return_rise", "cost_fall", "sentence"],
        (
            [
                u.candidate,
                u.reason,
                u.return_per_public_dollar,
                u.return_rise,
                u.cost_fall,
                u.sentence,
            ]
            for u in r.unfunded
        ),
    )
    g = r.greedy
    base: list[list[object]] = []
    if g is not None:
        base = [
            [
                "objective",
                g.objective,
                r.objective,
                g.gain,
                OBJECTIVE_UNITS.get(r.objective_kind, ""),
            ],
            ["public_cost", g.public_cost, r.total_public, r.total_public - g.public_cost, "US$"],
            ["feasible", g.feasible, r.objective is not None, None, ""],
            ["violations", "; ".join(g.violations), "", None, ""],
            ["sentence", g.sentence, "", None, ""],
        ]
    _sheet(wb, "baseline", ["measure", "greedy", "optimal", "gain", "unit"], base)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
