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
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
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
from model.formatting.i18n import N_, Labels, _, active, is_active, using
from model.planning.charts import INSTRUMENT_COLOURS
from model.planning.compare import funded_count
from model.planning.readout import binding_rules, budget_limit_note, status_words
from model.planning.readout import summary_sentence as plan_sentence

# The sheets in English (the source text); a workbook names them in the reader's language
# (``sheet_names``): the workbook is a document for people, never read back by the app
# (the JSON export is the machine-readable record).
SHEETS: tuple[str, ...] = (
    N_("Summary"),
    N_("Inputs"),
    N_("Allocation"),
    N_("Charts"),
    N_("Totals"),
    N_("Rules"),
    N_("Unfunded"),
    N_("Baseline"),
    N_("Candidates"),
    N_("Regions"),
    N_("Settings"),
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
# A mapping read in the active language (a dict built here would freeze the language of
# whoever imported the module first).
class _ObjectiveNames(Mapping[str, str]):
    def __getitem__(self, key: str) -> str:
        return numbers.OBJECTIVES[key].name

    def __iter__(self) -> Iterator[str]:
        return iter(numbers.OBJECTIVES)

    def __len__(self) -> int:
        return len(numbers.OBJECTIVES)


OBJECTIVE_WORDS: Mapping[str, str] = _ObjectiveNames()
# Column headings in English (marked ``N_``), translated where a sheet is written.
CANDIDATE_COLUMNS: dict[str, tuple[str, str]] = {
    "id": (N_("Candidate"), TEXT),
    "name": (N_("Name"), TEXT),
    "kind": (N_("Instrument"), TEXT),
    "region": (N_("Region"), TEXT),
    "sector": (N_("Sector"), TEXT),
    "start_year": (N_("First plan year"), YEAR),
    "public_share_floor": (N_("Public share floor"), PCT),
    "public_share_ceiling": (N_("Public share ceiling"), PCT),
    "partner_match": (N_("Partner match (US$)"), USD),
    "match_ratio": (N_("Match ratio"), DECIMAL),
    "grant_cap": (N_("Grant cap (US$)"), USD),
    "eligible": (N_("Eligible"), TEXT),
    "networks_needed": (N_("Networks needing a broker"), DECIMAL),
    "networks_served": (N_("Networks served"), DECIMAL),
    "enterprises": (N_("Enterprises (central)"), COUNT),
    "enterprises_low": (N_("Enterprises (low)"), COUNT),
    "enterprises_high": (N_("Enterprises (high)"), COUNT),
    "jobs": (N_("Jobs (central)"), COUNT),
    "jobs_low": (N_("Jobs (low)"), COUNT),
    "jobs_high": (N_("Jobs (high)"), COUNT),
    "benefit": (N_("Benefit (central, US$)"), USD),
    "benefit_low": (N_("Benefit (low, US$)"), USD),
    "benefit_high": (N_("Benefit (high, US$)"), USD),
    "evidence_basis": (N_("Evidence basis"), TEXT),
}
# An objective's measure in words (the measure itself is a scenario key).
MEASURE_WORDS: Labels = Labels(
    {"benefit": N_("benefit"), "enterprises": N_("enterprises"), "jobs": N_("jobs")}
)


# The solver's status in words (the status code itself is a machine key).
@dataclass(frozen=True)
class ScenarioDocument:
    """A scenario to export, saved or not.

    ``solved_now``: the result was computed for this export and is not saved;
    ``saved_at``/``saved_by``/``version`` describe the stored record (None if unsaved);
    ``language``/``number_locale``: the reader's, taken where the document is made (see
    ``in_language``).
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
    language: str = field(default_factory=lambda: active().language)
    number_locale: str = field(default_factory=lambda: active().number_locale)


@dataclass(frozen=True)
class Column:
    """A table column: its header in words and the Excel number format of its cells."""

    title: str
    fmt: str = "General"


@contextmanager
def in_language(doc: ScenarioDocument) -> Iterator[None]:
    """Write ``doc`` in the active language; where none is active, in the language of
    whoever made the document. A page's download button calls its callable after the
    click, outside the page's run (Streamlit's deferred download), where no language is
    active: the workbook and the brief still come in the reader's language."""
    if is_active():
        yield
        return
    with using(doc.language, doc.number_locale):
        yield


def file_stem(name: str) -> str:
    """A safe file name stem for a scenario name (``fomento-scenario-demo-baseline``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60]  # años -> anos
    return f"fomento-scenario-{slug or 'unnamed'}"


def scenario_json(doc: ScenarioDocument) -> bytes:
    """The scenario inputs as ``fomento allocate FILE`` accepts them, named as saved."""
    sc = doc.scenario.model_copy(update={"name": doc.name[:200]})
    return (json.dumps(sc.model_dump(mode="json"), indent=2) + "\n").encode("utf-8")


def capital(text: str) -> str:
    """A sentence that stands alone (a cell, a line) starts with a capital letter; the
    allocator writes its sentences to follow a colon ("lower the target...")."""
    return text[:1].upper() + text[1:]


def summary_sentence(doc: ScenarioDocument) -> str:
    """The plan in one paragraph: the Plan page's sentence (``readout.summary_sentence``),
    so the page, the brief, the workbook and the CLI say the same thing."""
    return plan_sentence(doc.result, doc.scenario)


def sheet_names() -> list[str]:
    """The sheet names in the active language, in the order of ``SHEETS``."""
    return [_(s) for s in SHEETS]


def family_words(key: str) -> str:
    """A rule family in words, in the active language ("a. budgets", "a. presupuestos")."""
    return _(FAMILIES[key])


def kind_words(kind: str) -> str:
    """An instrument in words, in the active language (an unknown kind as it is)."""
    label = KIND_LABELS.get(kind)
    return kind if label is None else _(label)


def rules_enabled(sc: Scenario) -> list[tuple[str, bool]]:
    """(rule family in words, whether it is on) for every rule family."""
    return [(family_words(k), bool(getattr(sc.rules, k).enabled)) for k in RULE_KEYS]


def _measure(key: str) -> str:
    return MEASURE_WORDS.get(key, key)


def _yes(v: bool) -> str:
    return _("yes") if v else _("no")


def _on(v: bool) -> str:
    return _("on") if v else _("off")


def assumption_rows(doc: ScenarioDocument) -> list[tuple[str, Cell, str, str]]:
    """(item in words, value, Excel format, unit or meaning): the inputs of the plan."""
    sc = doc.scenario
    b = sc.budget
    rows: list[tuple[str, Cell, str, str]] = [
        (_("Scenario"), doc.name, TEXT, ""),
        (_("Notes"), doc.notes, TEXT, ""),
        (_("Candidate set"), doc.dataset, TEXT, _("planning dataset")),
        (_("Horizon"), sc.horizon_years, COUNT, _("years")),
        (_("Price year"), sc.price_year, YEAR, _("money in US$ of this year")),
        (_("Total budget"), b.total, USD, _("over the horizon (blank: no total)")),
    ]
    rows += [
        (_("Budget of year {year}").format(year=t), v, USD, "")
        for t, v in enumerate(b.per_year or (), 1)
    ]
    rows += [
        (_("Carry-over"), _yes(b.carry_over), TEXT, _("unspent money moves to the next year")),
        (_("Objective"), OBJECTIVE_WORDS.get(sc.objective.kind, sc.objective.kind), TEXT, ""),
    ]
    rows += [
        (
            _("Weight of {measure}").format(measure=_measure(m)),
            w,
            DECIMAL,
            _("objective units per unit"),
        )
        for m, w in sc.objective.weights.items()
    ]
    rows += [
        (
            _("Target: {measure}").format(measure=_measure(m)),
            v,
            USD if m == "benefit" else COUNT,
            _("least total (US$)") if m == "benefit" else _("least total"),
        )
        for m, v in sc.objective.targets.items()
    ]
    rows.append(
        (_("Diminishing returns"), _yes(sc.objective.diminishing_returns.enabled), TEXT, "")
    )
    rows += [
        (_("Rule: {family}").format(family=family), _on(on), TEXT, "")
        for family, on in rules_enabled(sc)
    ]
    rows += [
        (_("Solver"), sc.solver.solver.upper(), TEXT, _("chosen in the scenario")),
        (_("Time limit"), sc.solver.time_limit_s, DECIMAL, _("seconds")),
        (_("MIP gap"), sc.solver.mip_gap, "0.00%", _("share of the objective")),
    ]
    return rows


def key_figures(doc: ScenarioDocument) -> list[tuple[str, Cell, str, str]]:
    """(figure in words, value, Excel format, unit): the plan's headline figures."""
    r, sc = doc.result, doc.scenario
    out: list[tuple[str, Cell, str, str]] = [
        (
            _("Status"),
            status_words(r.status),
            TEXT,
            _("solver {solver}").format(solver=r.solver.upper()),
        ),
        (_("Public money used"), r.total_public, USD, _("over the horizon")),
        (_("Budget available"), r.budget_available, USD, _("blank: no budget limit")),
        (_("Left unallocated"), r.unallocated, USD, ""),
        (_("Benefit per public dollar"), r.return_per_public_dollar, USD_CENTS, _("US$ per US$")),
        (_("Expected benefit"), r.outcomes.get("benefit"), USD, _("central estimates")),
        (_("Enterprises reached"), r.outcomes.get("enterprises"), COUNT, _("count")),
        (_("Jobs"), r.outcomes.get("jobs"), COUNT, _("count")),
        (_("Fee revenue"), r.fee_revenue, USD, _("paid by client firms")),
        (
            _("Candidates funded"),
            funded_count(r, sc),
            COUNT,
            _("of {total}").format(total=numbers.count(len(sc.candidates))),
        ),
        (
            _("Objective"),
            r.objective,
            USD if r.objective_kind in ("benefit", "min_cost") else DECIMAL,
            numbers.unit_words(r.objective_kind),
        ),
    ]
    if r.gap is not None:
        out.append((_("Optimality gap"), r.gap, "0.00%", _("share of the objective")))
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
    ws = wb.create_sheet(_("Summary"))
    if doc.solved_now or doc.version is None:
        saved = _("computed for this export, not saved")
    elif doc.saved_by:
        saved = _("saved version {version} by {user}").format(
            version=doc.version, user=doc.saved_by
        )
    else:
        saved = _("saved version {version}").format(version=doc.version)
    ws.append([_cell(doc.name)])
    ws["A1"].font = TITLE_FONT
    ws.append(
        [
            _cell(
                _("Funding scenario; candidate set {dataset}; {saved}. Fomento.").format(
                    dataset=doc.dataset, saved=saved
                )
            )
        ]
    )
    ws.append([])

    def section(title: str) -> None:
        ws.append([title])
        ws.cell(ws.max_row, 1).font = SECTION_FONT

    def sentence(text: str) -> None:
        ws.append([_cell(capital(text))])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=3)
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        # Excel does not grow merged rows: about 15 points per wrapped line.
        ws.row_dimensions[ws.max_row].height = 15 * (1 + len(text) // WRAP_WIDTH)

    section(_("The plan in one paragraph"))
    sentence(summary_sentence(doc))
    note = budget_limit_note(r, doc.scenario)
    if note:
        sentence(note)
    ws.append([])
    section(_("Key figures"))
    for label, value, fmt, unit in key_figures(doc):
        ws.append([label, _cell(value), unit])
        if isinstance(value, int | float):
            ws.cell(ws.max_row, 2).number_format = fmt
    if r.objective is not None:
        ws.append([])
        section(_("What limits the plan (binding rules)"))
        for c in [c for c in binding_rules(r, 99) if c.portfolio][:8]:
            sentence(c.sentence)
        if r.greedy is not None:
            sentence(r.greedy.sentence)
    else:
        ws.append([])
        section(_("Rules to relax"))
        for step in r.relaxation:
            sentence(step.sentence)
    if doc.dataset == "demo":
        ws.append([])
        section(_("Data caveat"))
        sentence(
            _(
                "The demo dataset is illustrative: a fictional country whose candidates are "
                "derived from the evidence ranges, not real projects."
            )
        )
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 46


def _charts(wb: Workbook, doc: ScenarioDocument) -> None:
    """Native Excel charts with their data beside them: funding by instrument and plan
    year (stacked columns, the instrument colours of the app), and by region."""
    r, sc = doc.result, doc.scenario
    kind_of = {c.id: c.kind for c in sc.candidates}
    by_year = [[0.0] * len(KINDS) for _year in range(sc.horizon_years)]
    for cid, row in r.funding.items():
        k = KINDS.index(kind_of[cid]) if cid in kind_of else None
        if k is None:
            continue
        for t, v in enumerate(row[: sc.horizon_years]):
            by_year[t][k] += v
    ws = _table(
        wb,
        _("Charts"),
        [
            Column(_("Plan year"), YEAR),
            *(Column(_("{instrument} (US$)").format(instrument=kind_words(k)), USD) for k in KINDS),
        ],
        [[t, *vals] for t, vals in enumerate(by_year, start=1)],
    )
    regions = sorted(r.totals_by_region.items(), key=lambda kv: -kv[1])
    top = sc.horizon_years + 3
    ws.cell(top, 1, _("Region")).font = HEADER_FONT
    ws.cell(top, 1).fill = HEADER_FILL
    ws.cell(top, 2, _("Public funding (US$)")).font = HEADER_FONT
    ws.cell(top, 2).fill = HEADER_FILL
    for i, (name, v) in enumerate(regions, start=1):
        ws.cell(top + i, 1, _cell(name))
        ws.cell(top + i, 2, v).number_format = USD

    years = BarChart()
    years.type, years.grouping, years.overlap = "col", "stacked", 100
    years.title = _("Public funding by instrument and plan year (US$)")
    years.y_axis.title, years.x_axis.title = "US$", _("Plan year")
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
        reg.title = _("Public funding by region (US$)")
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
    cols = []
    for f in scalar:
        title, fmt = CANDIDATE_COLUMNS.get(f, (f.replace("_", " ").capitalize(), "General"))
        cols.append(Column(_(title), fmt))
    cols.append(Column(_("Total cost (US$)"), USD))
    cols += [
        Column(_("Cost, year {year} of operation (US$)").format(year=k), USD)
        for k in range(1, n_cost + 1)
    ]
    cols += [
        Column(_("Fee share, year {year} of operation").format(year=k), PCT)
        for k in range(1, n_fee + 1)
    ]
    rows = []
    for c in sc.candidates:
        costs = list(c.cost_by_year) + [None] * (n_cost - len(c.cost_by_year))
        fees = list(c.fee_schedule) + [None] * (n_fee - len(c.fee_schedule))
        values: list[object] = []
        for f in scalar:
            v = getattr(c, f)
            values.append(kind_words(v) if f == "kind" else _yes(v) if isinstance(v, bool) else v)
        rows.append([*values, c.total_cost, *costs, *fees])
    return cols, rows


def _rule_words(name: str) -> str:
    what = describe(name)[0]
    return what[:1].upper() + what[1:]


def workbook(doc: ScenarioDocument) -> bytes:
    """The Excel workbook bytes, one sheet per entry of ``SHEETS``, named and worded in
    the active language (numbers stay numbers; identifiers and row names as they are)."""
    with in_language(doc):
        return _workbook(complete_document(doc))


def complete_document(doc: ScenarioDocument) -> ScenarioDocument:
    """``doc`` with a result whose unfunded reports are written (``api.complete``: a page's
    first display leaves them out until asked for), in the active language."""
    if doc.result.unfunded is not None:
        return doc
    from model.allocator.api import complete  # the solver: only for such a document

    return replace(doc, result=complete(doc.result, doc.scenario))


def _workbook(doc: ScenarioDocument) -> bytes:
    sc, r = doc.scenario, doc.result
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, doc)
    assumptions = assumption_rows(doc)
    ws = _table(
        wb,
        _("Inputs"),
        [Column(_("Item")), Column(_("Value")), Column(_("Unit or meaning"))],
        [(item, value, unit) for item, value, _fmt, unit in assumptions],
    )
    # Formats per row (the Inputs mix money, counts and shares in one column).
    for i, (_item, value, fmt, _unit) in enumerate(assumptions, start=2):
        if isinstance(value, int | float) and not isinstance(value, bool):
            ws.cell(i, 2).number_format = fmt
    ws.column_dimensions["B"].width = 22
    years = [
        Column(_("Year {year} (US$)").format(year=t), USD) for t in range(1, sc.horizon_years + 1)
    ]
    alloc = []
    for c in sc.candidates:
        row = r.funding.get(c.id, ())
        label = kind_words(c.kind)
        alloc.append([c.id, c.name, label, c.region, r.scale.get(c.id, 0.0), *row, sum(row)])
    _table(
        wb,
        _("Allocation"),
        [
            Column(_("Candidate")),
            Column(_("Name")),
            Column(_("Instrument")),
            Column(_("Region")),
            Column(_("Scale funded"), PCT),
            *years,
            Column(_("Total (US$)"), USD),
        ],
        alloc,
    )
    _charts(wb, doc)
    total = r.total_public
    groups: list[tuple[str, list[tuple[str, float]]]] = [
        (_("Instrument"), [(kind_words(k), v) for k, v in r.totals_by_kind.items()]),
        (_("Region"), list(r.totals_by_region.items())),
        (
            _("Plan year"),
            [(_("Year {year}").format(year=t), v) for t, v in enumerate(r.totals_by_year, start=1)],
        ),
        (_("Funding source"), list(r.totals_by_source.items())),
    ]
    _table(
        wb,
        _("Totals"),
        [
            Column(_("Group")),
            Column(_("Item")),
            Column(_("Public funding (US$)"), USD),
            Column(_("Share of public money"), PCT1),
        ],
        [
            (group, key, v, v / total if total else None)
            for group, items in groups
            for key, v in items
        ],
    )
    _table(
        wb,
        _("Rules"),
        [
            Column(_("Rule")),
            Column(_("Row name")),
            Column(_("Rule family")),
            Column(_("Sense")),
            Column(_("Limit"), DECIMAL),
            Column(_("Activity"), DECIMAL),
            Column(_("Room left (slack)"), DECIMAL),
            Column(_("Shadow price"), DECIMAL),
            Column(_("Binding")),
            Column(_("Meaning")),
        ],
        (
            [
                _rule_words(c.name),
                c.name,  # the model's row name: an identifier, as the solver names it
                _(c.family),  # a family in words (FAMILIES), read in the language
                c.sense,
                c.rhs,
                c.activity,
                c.slack,
                c.shadow_price,
                _yes(c.binding),
                capital(report_sentence(c, r.objective_kind)),  # large models: on demand
            ]
            for c in r.constraints
        ),
    )
    _table(
        wb,
        _("Unfunded"),
        [
            Column(_("Candidate")),
            Column(_("Reason")),
            Column(_("Return per public US$"), USD_CENTS),
            Column(_("Return must rise by"), PCT),
            Column(_("Or cost must fall by"), PCT),
            Column(_("In words")),
        ],
        (
            [
                u.candidate,
                u.reason.replace("_", " "),
                u.return_per_public_dollar,
                u.return_rise,
                u.cost_fall,
                capital(u.sentence),
            ]
            for u in r.unfunded_written  # complete_document wrote them
        ),
    )
    g = r.greedy
    base: list[list[object]] = []
    unit = numbers.unit_words(r.objective_kind)
    if g is not None:
        base = [
            [_("Objective"), g.objective, r.objective, g.gain, unit],
            [
                _("Public cost"),
                g.public_cost,
                r.total_public,
                r.total_public - g.public_cost,
                "US$",
            ],
            [_("Feasible"), _yes(g.feasible), _yes(r.objective is not None), None, ""],
            [_("Rules the greedy plan breaks"), "; ".join(g.violations), "", None, ""],
            [_("In words"), g.sentence, "", None, ""],
        ]
    money_objective = r.objective_kind in ("benefit", "min_cost")
    baseline = _table(
        wb,
        _("Baseline"),
        [
            Column(_("Measure")),
            Column(_("Greedy (best value per dollar first)"), USD if money_objective else DECIMAL),
            Column(_("Optimal"), USD if money_objective else DECIMAL),
            Column(_("Gain"), USD if money_objective else DECIMAL),
            Column(_("Unit")),
        ],
        base,
    )
    if base:  # the public cost is money whatever the objective
        for col in (2, 3, 4):
            baseline.cell(3, col).number_format = USD
    _table(wb, _("Candidates"), *_candidate_table(sc))
    _table(
        wb,
        _("Regions"),
        [Column(_("Region")), Column(_("Country")), Column(_("Lagging")), Column(_("Note"))],
        [[g.name, g.country, _yes(g.lagging), g.note] for g in sc.regions],
    )
    # Every setting of the rules, objective and solver, so the workbook is the full record
    # (the JSON export reads back into the app; this sheet reads for a person). The
    # settings keep their dotted field names (``rules.budget.enabled``): they are the
    # scenario file's keys, the same in every language, as the scenario format documents.
    settings = {
        "rules": sc.rules.model_dump(mode="json"),
        "objective": sc.objective.model_dump(mode="json"),
        "solver": sc.solver.model_dump(mode="json"),
    }
    _table(
        wb,
        _("Settings"),
        [Column(_("Setting")), Column(_("Value"))],
        flatten(settings),
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
