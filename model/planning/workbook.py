"""Export one scenario with its inputs and results: an Excel workbook an analyst can send
as it is, and the JSON the CLI reads.

- ``workbook``: a Summary sheet with the plan's sentences and key figures, the Inputs (so
  the file is a full record), the Allocation, native Excel charts (funding by instrument
  and plan year, by region) with their data, Totals, Rules (every constraint with its
  shadow price), Unfunded reasons, the greedy Baseline and the Candidates. Headers and
  labels are in words; numbers stay numbers with Excel formats (US$ #,##0, 0%); header
  rows are frozen and columns sized to their text. Every text cell goes through
  ``model.formatting.cells.neutralise`` against formula injection.
- ``scenario_json``: the scenario inputs as ``fomento allocate FILE`` reads them.
- The one-page brief (``model.planning.brief``, ``model.planning.pdf``) shares
  ``ScenarioDocument`` and the plan's sentence (``model.planning.readout``).

Units: money in US$ of the scenario's price year; shares 0-1 (shown as %); plan years 1..H.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from model.allocator.build.lp import FAMILIES
from model.allocator.explain.wording import describe, report_sentence
from model.allocator.result import AllocationResult
from model.allocator.scenario import Rules, Scenario
from model.domain.candidates import KIND_LABELS, KINDS, Candidate
from model.formatting import numbers
from model.formatting.cells import neutralise
from model.formatting.changes import flatten
from model.planning.charts import INSTRUMENT_COLOURS
from model.planning.compare import funded_count
from model.planning.readout import binding_rules, budget_limit_note
from model.planning.readout import summary_sentence as plan_sentence

SHEETS: tuple[str, ...] = (
    "Summary",
    "Inputs",
    "Allocation",
    "Charts",
    "Totals",
    "Rules",
    "Unfunded",
    "Baseline",
    "Candidates",
    "Regions",
    "Settings",
)
RULE_KEYS: tuple[str, ...] = tuple(Rules.model_fields)
Cell = str | float | int | bool | None

# Excel number formats (the cell keeps the full value; the format only shows it).
USD: Final = '"US$"#,##0'
USD_CENTS: Final = '"US$"#,##0.00'
PCT: Final = "0%"
PCT1: Final = "0.0%"
COUNT: Final = "#,##0"
DECIMAL: Final = "#,##0.00"
YEAR: Final = "0"
TEXT: Final = "@"
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters
WRAP_WIDTH = 90  # the sentence column of the summary
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=11)
# What each objective optimises, in words: one definition (model.formatting.numbers.OBJECTIVES).
OBJECTIVE_WORDS: dict[str, str] = {k: w.name for k, w in numbers.OBJECTIVES.items()}
CANDIDATE_COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("Candidate", TEXT),
    "name": ("Name", TEXT),
    "kind": ("Instrument", TEXT),
    "region": ("Region", TEXT),
    "sector": ("Sector", TEXT),
    "start_year": ("First plan year", YEAR),
    "public_share_floor": ("Public share floor", PCT),
    "public_share_ceiling": ("Public share ceiling", PCT),
    "partner_match": ("Partner match (US$)", USD),
    "match_ratio": ("Match ratio", DECIMAL),
    "grant_cap": ("Grant cap (US$)", USD),
    "eligible": ("Eligible", TEXT),
    "networks_needed": ("Networks needing a broker", DECIMAL),
    "networks_served": ("Networks served", DECIMAL),
    "enterprises": ("Enterprises (central)", COUNT),
    "enterprises_low": ("Enterprises (low)", COUNT),
    "enterprises_high": ("Enterprises (high)", COUNT),
    "jobs": ("Jobs (central)", COUNT),
    "jobs_low": ("Jobs (low)", COUNT),
    "jobs_high": ("Jobs (high)", COUNT),
    "benefit": ("Benefit (central, US$)", USD),
    "benefit_low": ("Benefit (low, US$)", USD),
    "benefit_high": ("Benefit (high, US$)", USD),
    "evidence_basis": ("Evidence basis", TEXT),
}


@dataclass(frozen=True)
class ScenarioDocument:
    """A scenario to export, saved or not.

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


@dataclass(frozen=True)
class Column:
    """A table column: its header in words and the Excel number format of its cells."""

    title: str
    fmt: str = "General"


def file_stem(name: str) -> str:
    """A safe file name stem for a scenario name (``fomento-scenario-demo-baseline``)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60]
    return f"fomento-scenario-{slug or 'unnamed'}"


def scenario_json(doc: ScenarioDocument) -> bytes:
    """The scenario inputs as ``fomento allocate FILE`` accepts them, named as saved."""
    sc = doc.scenario.model_copy(update={"name": doc.name[:200]})
    return (json.dumps(sc.model_dump(mode="json"), indent=2) + "\n").encode("utf-8")


def summary_sentence(doc: ScenarioDocument) -> str:
    """The plan in one paragraph: the Plan page's sentence (``readout.summary_sentence``),
    so the page, the brief, the workbook and the CLI say the same thing."""
    return plan_sentence(doc.result, doc.scenario)


def rules_enabled(sc: Scenario) -> list[tuple[str, bool]]:
    """(rule family in words, whether it is on) for every rule family."""
    return [(FAMILIES[k], bool(getattr(sc.rules, k).enabled)) for k in RULE_KEYS]


def _yes(v: bool) -> str:
    return "yes" if v else "no"


def assumption_rows(doc: ScenarioDocument) -> list[tuple[str, Cell, str, str]]:
    """(item in words, value, Excel format, unit or meaning): the inputs of the plan."""
    sc = doc.scenario
    b = sc.budget
    rows: list[tuple[str, Cell, str, str]] = [
        ("Scenario", doc.name, TEXT, ""),
        ("Notes", doc.notes, TEXT, ""),
        ("Candidate set", doc.dataset, TEXT, "planning dataset"),
        ("Horizon", sc.horizon_years, COUNT, "years"),
        ("Price year", sc.price_year, YEAR, "money in US$ of this year"),
        ("Total budget", b.total, USD, "over the horizon (blank: no total)"),
    ]
    rows += [(f"Budget of year {t}", v, USD, "") for t, v in enumerate(b.per_year or (), 1)]
    rows += [
        ("Carry-over", _yes(b.carry_over), TEXT, "unspent money moves to the next year"),
        ("Objective", OBJECTIVE_WORDS.get(sc.objective.kind, sc.objective.kind), TEXT, ""),
    ]
    rows += [
        (f"Weight of {m}", w, DECIMAL, "objective units per unit")
        for m, w in sc.objective.weights.items()
    ]
    rows += [
        (
            f"Target: {m}",
            v,
            USD if m == "benefit" else COUNT,
            "least total" + (" (US$)" if m == "benefit" else ""),
        )
        for m, v in sc.objective.targets.items()
    ]
    rows.append(("Diminishing returns", _yes(sc.objective.diminishing_returns.enabled), TEXT, ""))
    rows += [
        (f"Rule: {family}", "on" if on else "off", TEXT, "") for family, on in rules_enabled(sc)
    ]
    rows += [
        ("Solver", sc.solver.solver.upper(), TEXT, "chosen in the scenario"),
        ("Time limit", sc.solver.time_limit_s, DECIMAL, "seconds"),
        ("MIP gap", sc.solver.mip_gap, "0.00%", "share of the objective"),
    ]
    return rows


def key_figures(doc: ScenarioDocument) -> list[tuple[str, Cell, str, str]]:
    """(figure in words, value, Excel format, unit): the plan's headline figures."""
    r, sc = doc.result, doc.scenario
    out: list[tuple[str, Cell, str, str]] = [
        ("Status", r.status.replace("_", " "), TEXT, f"solver {r.solver.upper()}"),
        ("Public money used", r.total_public, USD, "over the horizon"),
        ("Budget available", r.budget_available, USD, "blank: no budget limit"),
        ("Left unallocated", r.unallocated, USD, ""),
        ("Benefit per public dollar", r.return_per_public_dollar, USD_CENTS, "US$ per US$"),
        ("Expected benefit", r.outcomes.get("benefit"), USD, "central estimates"),
        ("Enterprises reached", r.outcomes.get("enterprises"), COUNT, "count"),
        ("Jobs", r.outcomes.get("jobs"), COUNT, "count"),
        ("Fee revenue", r.fee_revenue, USD, "paid by client firms"),
        ("Candidates funded", funded_count(r, sc), COUNT, f"of {len(sc.candidates)}"),
        (
            "Objective",
            r.objective,
            USD if r.objective_kind in ("benefit", "min_cost") else DECIMAL,
            numbers.unit_words(r.objective_kind),
        ),
    ]
    if r.gap is not None:
        out.append(("Optimality gap", r.gap, "0.00%", "share of the objective"))
    return out


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, bool | int | float):
        return value
    return neutralise(str(value))


def _fit_columns(ws: Worksheet, widths: dict[int, int]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))


def _shown_len(value: object, fmt: str) -> int:
    """About how many characters Excel shows for a value in a format (for column widths)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value or ""))
    if fmt in (PCT, PCT1, "0.00%"):
        return len(numbers.share(value, 1)) + 1
    if fmt.startswith('"US$"'):
        return len(numbers.money(value, cents=fmt == USD_CENTS))
    return len(numbers.number(value, 2)) if fmt == DECIMAL else len(numbers.number(value))


def _table(
    wb: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
) -> Worksheet:
    """A sheet with one table: a bold frozen header, formatted numbers, sized columns."""
    ws = wb.create_sheet(title)
    ws.append([c.title for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {i: len(c.title) + 2 for i, c in enumerate(columns, start=1)}
    for row in rows:
        ws.append([_cell(v) for v in row])
        for i, (cell, col) in enumerate(zip(ws[ws.max_row], columns, strict=False), start=1):
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = col.fmt
            widths[i] = max(widths[i], _shown_len(cell.value, col.fmt) + 2)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    _fit_columns(ws, widths)
    return ws


def _summary(wb: Workbook, doc: ScenarioDocument) -> None:
    r = doc.result
    ws = wb.create_sheet("Summary")
    saved = (
        "computed for this export, not saved"
        if doc.solved_now or doc.version is None
        else f"saved version {doc.version}" + (f" by {doc.saved_by}" if doc.saved_by else "")
    )
    ws.append([_cell(doc.name)])
    ws["A1"].font = TITLE_FONT
    ws.append([_cell(f"Funding scenario; candidate set {doc.dataset}; {saved}. Fomento.")])
    ws.append([])

    def section(title: str) -> None:
        ws.append([title])
        ws.cell(ws.max_row, 1).font = SECTION_FONT

    def sentence(text: str) -> None:
        ws.append([_cell(text)])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=3)
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        # Excel does not grow merged rows: about 15 points per wrapped line.
        ws.row_dimensions[ws.max_row].height = 15 * (1 + len(text) // WRAP_WIDTH)

    section("The plan in one paragraph")
    sentence(summary_sentence(doc))
    note = budget_limit_note(r, doc.scenario)
    if note:
        sentence(note)
    ws.append([])
    section("Key figures")
    for label, value, fmt, unit in key_figures(doc):
        ws.append([label, _cell(value), unit])
        if isinstance(value, int | float):
            ws.cell(ws.max_row, 2).number_format = fmt
    if r.objective is not None:
        ws.append([])
        section("What limits the plan (binding rules)")
        for c in [c for c in binding_rules(r, 99) if c.portfolio][:8]:
            sentence(c.sentence[:1].upper() + c.sentence[1:])
        if r.greedy is not None:
            sentence(r.greedy.sentence)
    else:
        ws.append([])
        section("Rules to relax")
        for step in r.relaxation:
            sentence(step.sentence)
    if doc.dataset == "demo":
        ws.append([])
        section("Data caveat")
        sentence(
            "The demo dataset is illustrative: a fictional country whose candidates are "
            "derived from the evidence ranges, not real projects."
        )
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 46


def _charts(wb: Workbook, doc: ScenarioDocument) -> None:
    """Native Excel charts with their data beside them: funding by instrument and plan
    year (stacked columns, the instrument colours of the app), and by region."""
    r, sc = doc.result, doc.scenario
    kind_of = {c.id: c.kind for c in sc.candidates}
    by_year = [[0.0] * len(KINDS) for _ in range(sc.horizon_years)]
    for cid, row in r.funding.items():
        k = KINDS.index(kind_of[cid]) if cid in kind_of else None
        if k is None:
            continue
        for t, v in enumerate(row[: sc.horizon_years]):
            by_year[t][k] += v
    ws = _table(
        wb,
        "Charts",
        [Column("Plan year", YEAR), *(Column(f"{KIND_LABELS[k]} (US$)", USD) for k in KINDS)],
        [[t, *vals] for t, vals in enumerate(by_year, start=1)],
    )
    regions = sorted(r.totals_by_region.items(), key=lambda kv: -kv[1])
    top = sc.horizon_years + 3
    ws.cell(top, 1, "Region").font = HEADER_FONT
    ws.cell(top, 1).fill = HEADER_FILL
    ws.cell(top, 2, "Public funding (US$)").font = HEADER_FONT
    ws.cell(top, 2).fill = HEADER_FILL
    for i, (name, v) in enumerate(regions, start=1):
        ws.cell(top + i, 1, _cell(name))
        ws.cell(top + i, 2, v).number_format = USD

    years = BarChart()
    years.type, years.grouping, years.overlap = "col", "stacked", 100
    years.title = "Public funding by instrument and plan year (US$)"
    years.y_axis.title, years.x_axis.title = "US$", "Plan year"
    years.y_axis.numFmt = USD
    data = Reference(ws, min_col=2, max_col=1 + len(KINDS), min_row=1, max_row=1 + len(by_year))
    years.add_data(data, titles_from_data=True)
    years.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(by_year)))
    for series, kind in zip(years.series, KINDS, strict=True):
        series.graphicalProperties.solidFill = INSTRUMENT_COLOURS[kind].lstrip("#")
        series.graphicalProperties.line.solidFill = INSTRUMENT_COLOURS[kind].lstrip("#")
    years.width, years.height = 18, 8
    ws.add_chart(years, "G2")

    if regions:
        reg = BarChart()
        reg.type = "bar"
        reg.title = "Public funding by region (US$)"
        reg.x_axis.title, reg.y_axis.title = None, "US$"
        reg.y_axis.numFmt = USD
        reg.legend = None
        reg.add_data(
            Reference(ws, min_col=2, min_row=top, max_row=top + len(regions)),
            titles_from_data=True,
        )
        reg.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(regions)))
        reg.x_axis.scaling.orientation = "maxMin"  # largest region on top, as on the page
        reg.width, reg.height = 18, max(6, 1 + 0.7 * len(regions))
        ws.add_chart(reg, "G20")
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 24)


def _candidate_table(sc: Scenario) -> tuple[list[Column], list[list[object]]]:
    n_cost = max(len(c.cost_by_year) for c in sc.candidates)
    n_fee = max((len(c.fee_schedule) for c in sc.candidates), default=0)
    scalar = [f for f in Candidate.model_fields if f not in ("cost_by_year", "fee_schedule")]
    cols = [
        Column(*CANDIDATE_COLUMNS.get(f, (f.replace("_", " ").capitalize(), "General")))
        for f in scalar
    ]
    cols.append(Column("Total cost (US$)", USD))
    cols += [Column(f"Cost, year {k} of operation (US$)", USD) for k in range(1, n_cost + 1)]
    cols += [Column(f"Fee share, year {k} of operation", PCT) for k in range(1, n_fee + 1)]
    rows = []
    for c in sc.candidates:
        costs = list(c.cost_by_year) + [None] * (n_cost - len(c.cost_by_year))
        fees = list(c.fee_schedule) + [None] * (n_fee - len(c.fee_schedule))
        values: list[object] = []
        for f in scalar:
            v = getattr(c, f)
            values.append(KIND_LABELS[v] if f == "kind" else _yes(v) if isinstance(v, bool) else v)
        rows.append([*values, c.total_cost, *costs, *fees])
    return cols, rows


def _rule_words(name: str) -> str:
    what = describe(name)[0]
    return what[:1].upper() + what[1:]


def workbook(doc: ScenarioDocument) -> bytes:
    """The Excel workbook bytes, one sheet per entry of ``SHEETS``."""
    sc, r = doc.scenario, doc.result
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, doc)
    _table(
        wb,
        "Inputs",
        [Column("Item"), Column("Value"), Column("Unit or meaning")],
        [(item, value, unit) for item, value, _, unit in assumption_rows(doc)],
    )
    # Formats per row (the Inputs mix money, counts and shares in one column).
    ws = wb["Inputs"]
    for i, (_, value, fmt, _) in enumerate(assumption_rows(doc), start=2):
        if isinstance(value, int | float) and not isinstance(value, bool):
            ws.cell(i, 2).number_format = fmt
    ws.column_dimensions["B"].width = 22
    years = [Column(f"Year {t} (US$)", USD) for t in range(1, sc.horizon_years + 1)]
    alloc = []
    for c in sc.candidates:
        row = r.funding.get(c.id, ())
        label = KIND_LABELS[c.kind]
        alloc.append([c.id, c.name, label, c.region, r.scale.get(c.id, 0.0), *row, sum(row)])
    _table(
        wb,
        "Allocation",
        [
            Column("Candidate"),
            Column("Name"),
            Column("Instrument"),
            Column("Region"),
            Column("Scale funded", PCT),
            *years,
            Column("Total (US$)", USD),
        ],
        alloc,
    )
    _charts(wb, doc)
    total = r.total_public
    groups: list[tuple[str, list[tuple[str, float]]]] = [
        ("Instrument", [(KIND_LABELS.get(k, k), v) for k, v in r.totals_by_kind.items()]),
        ("Region", list(r.totals_by_region.items())),
        ("Plan year", [(f"Year {t}", v) for t, v in enumerate(r.totals_by_year, start=1)]),
        ("Funding source", list(r.totals_by_source.items())),
    ]
    _table(
        wb,
        "Totals",
        [
            Column("Group"),
            Column("Item"),
            Column("Public funding (US$)", USD),
            Column("Share of public money", PCT1),
        ],
        [
            (group, key, v, v / total if total else None)
            for group, items in groups
            for key, v in items
        ],
    )
    _table(
        wb,
        "Rules",
        [
            Column("Rule"),
            Column("Row name"),
            Column("Rule family"),
            Column("Sense"),
            Column("Limit", DECIMAL),
            Column("Activity", DECIMAL),
            Column("Room left (slack)", DECIMAL),
            Column("Shadow price", DECIMAL),
            Column("Binding"),
            Column("Meaning"),
        ],
        (
            [
                _rule_words(c.name),
                c.name,
                c.family,
                c.sense,
                c.rhs,
                c.activity,
                c.slack,
                c.shadow_price,
                _yes(c.binding),
                report_sentence(c, r.objective_kind),  # large models: written on demand
            ]
            for c in r.constraints
        ),
    )
    _table(
        wb,
        "Unfunded",
        [
            Column("Candidate"),
            Column("Reason"),
            Column("Return per public US$", USD_CENTS),
            Column("Return must rise by", PCT),
            Column("Or cost must fall by", PCT),
            Column("In words"),
        ],
        (
            [
                u.candidate,
                u.reason.replace("_", " "),
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
    unit = numbers.unit_words(r.objective_kind)
    if g is not None:
        base = [
            ["Objective", g.objective, r.objective, g.gain, unit],
            ["Public cost", g.public_cost, r.total_public, r.total_public - g.public_cost, "US$"],
            ["Feasible", _yes(g.feasible), _yes(r.objective is not None), None, ""],
            ["Rules the greedy plan breaks", "; ".join(g.violations), "", None, ""],
            ["In words", g.sentence, "", None, ""],
        ]
    money_objective = r.objective_kind in ("benefit", "min_cost")
    _table(
        wb,
        "Baseline",
        [
            Column("Measure"),
            Column("Greedy (best value per dollar first)", USD if money_objective else DECIMAL),
            Column("Optimal", USD if money_objective else DECIMAL),
            Column("Gain", USD if money_objective else DECIMAL),
            Column("Unit"),
        ],
        base,
    )
    if base:  # the public cost is money whatever the objective
        for col in (2, 3, 4):
            wb["Baseline"].cell(3, col).number_format = USD
    _table(wb, "Candidates", *_candidate_table(sc))
    _table(
        wb,
        "Regions",
        [Column("Region"), Column("Country"), Column("Lagging"), Column("Note")],
        [[g.name, g.country, _yes(g.lagging), g.note] for g in sc.regions],
    )
    # Every setting of the rules, objective and solver, so the workbook is the full record
    # (the JSON export reads back into the app; this sheet reads for a person).
    settings = {
        "rules": sc.rules.model_dump(mode="json"),
        "objective": sc.objective.model_dump(mode="json"),
        "solver": sc.solver.model_dump(mode="json"),
    }
    _table(wb, "Settings", [Column("Setting"), Column("Value")], flatten(settings))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
