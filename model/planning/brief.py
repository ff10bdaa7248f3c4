"""The one-page brief of a scenario: its content once, drawn as HTML here and as PDF in
``model.planning.pdf``.

Title and date, the plan's sentence (``readout.summary_sentence``) and which budget limits
it, key figures, three charts (SVG here, PNG in the PDF), the allocation by instrument
and region, the binding rules with their sentences, the assumptions and the data caveat.
All text in the HTML is escaped. Units: money in US$ of the scenario's price year.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from model.allocator.result import AllocationResult
from model.domain.candidates import KIND_LABELS, KINDS
from model.formatting import numbers
from model.planning.charts import brief_charts, svg
from model.planning.compare import funded_count
from model.planning.readout import budget_limit_note
from model.planning.workbook import (
    OBJECTIVE_WORDS,
    ScenarioDocument,
    rules_enabled,
    summary_sentence,
)

BRIEF_RULES = 6  # portfolio rules listed on the one page; the rest are counted
BRIEF_REGIONS = 8  # regions listed by name; the others are summed in one row
NOTES_CHARS = 300  # longer notes would push the brief onto a second page
ILLUSTRATIVE = (
    "The demo dataset is illustrative: a fictional country whose candidates are derived "
    "from the evidence ranges, not real projects. Do not quote its figures as estimates."
)
ESTIMATES = (
    "Outcomes use each candidate's central estimate at the funded scale; the Candidates "
    "sheet of the Excel export keeps the low and high values."
)


BRIEF_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 9pt/1.3 "DejaVu Sans", Arial, sans-serif; color: #1f2328; margin: 0 auto;
  max-width: 186mm; padding: 4mm 0; }
h1 { font-size: 15pt; margin: 0 0 1mm; }
h2 { font-size: 10.5pt; margin: 2.5mm 0 1mm; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; margin: 0 0 2mm; }
.summary { font-size: 10.5pt; margin: 2mm 0; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 1.5mm; margin: 2mm 0; }
.figures div { border: 1px solid #d0d7de; border-radius: 2px; padding: 0.6mm 2mm; }
.figures b { display: block; font-size: 11.5pt; }
.figures span { color: #57606a; font-size: 8pt; }
.charts { display: flex; gap: 2mm; justify-content: space-between; }
.charts figure { margin: 0; flex: 1 1 0; }
.charts svg { width: 100%; height: auto; }
.cols { display: flex; gap: 4mm; }
.cols > div { flex: 1 1 0; min-width: 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { text-align: left; padding: 0.2mm 1.5mm; border-bottom: 1px solid #eaeef2; }
/* A long name with no space wraps instead of pushing the page wide; figures never wrap. */
td:first-child, h1, li, p { overflow-wrap: anywhere; }
td.num { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
ul { margin: 0; padding-left: 4.5mm; }
li { margin: 0.3mm 0; }
.note { font-style: italic; margin: 1mm 0; }
.caveat { border-left: 3px solid #e15759; padding: 1mm 2mm; margin-top: 3mm; background: #fff5f5; }
@media print { body { padding: 0; } h2, table, .charts { break-inside: avoid; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def title_line(doc: ScenarioDocument, today: date | None = None) -> str:
    """The line under the title: date, dataset and whether the plan is saved."""
    day = (today or date.today()).isoformat()
    saved = "computed now, not saved" if doc.solved_now else f"version {doc.version}"
    if doc.saved_by and not doc.solved_now:
        saved += f" saved by {doc.saved_by}"
    return f"Funding scenario brief, {day}. Dataset {doc.dataset}; {saved}. Fomento."


def figures(doc: ScenarioDocument) -> list[tuple[str, str]]:
    """(value as shown, what it is): the eight key figures of the plan."""
    r, sc = doc.result, doc.scenario
    budget = r.budget_available
    return [
        (numbers.money(r.total_public), "public money used"),
        ("no limit" if budget is None else numbers.money(budget), "budget available"),
        (numbers.money(r.unallocated or 0.0), "left unallocated"),
        (numbers.money(r.return_per_public_dollar, cents=True), "benefit per public dollar"),
        (numbers.count(r.outcomes.get("enterprises", 0.0)), "enterprises reached"),
        (numbers.count(r.outcomes.get("jobs", 0.0)), "jobs"),
        (numbers.money(r.outcomes.get("benefit", 0.0)), "expected benefit"),
        (f"{funded_count(r, sc)} of {len(sc.candidates)}", "candidates funded"),
    ]


def breakdown(r: AllocationResult) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Public funding (US$) by instrument, and by region (largest first; the smallest
    summed in one row beyond ``BRIEF_REGIONS``)."""
    kinds = [(KIND_LABELS.get(k, k), r.totals_by_kind.get(k, 0.0)) for k in KINDS]
    regions = sorted(r.totals_by_region.items(), key=lambda kv: -kv[1])
    if len(regions) > BRIEF_REGIONS:
        rest = regions[BRIEF_REGIONS - 1 :]
        other = (f"{len(rest)} other regions", sum(v for _, v in rest))
        regions = [*regions[: BRIEF_REGIONS - 1], other]
    return kinds, regions


def table_rows(rows: Sequence[tuple[str, float]], total: float) -> list[tuple[str, str, str]]:
    """(name, US$, share of the public money) as shown."""
    return [(k, numbers.money(v), numbers.share(v / total if total else 0.0)) for k, v in rows]


def rule_items(r: AllocationResult) -> list[str]:
    """The binding portfolio rules in sentences, the rest counted, and the greedy baseline."""
    binding = [c for c in r.constraints if c.binding and c.shadow_price != 0]
    portfolio = sorted((c for c in binding if c.portfolio), key=lambda c: -abs(c.shadow_price))
    items = [c.sentence[:1].upper() + c.sentence[1:] for c in portfolio[:BRIEF_RULES]]
    rest = len(binding) - len(items)
    if rest > 0:
        families = sorted({c.family for c in binding if c not in portfolio[:BRIEF_RULES]})
        items.append(
            f"{rest} more rules bind ({', '.join(families)}); the Excel export's Rules sheet "
            "lists every one with its shadow price."
        )
    if not items:
        items.append("No rule binds with a price: more money would not change the plan.")
    if r.greedy is not None:
        items.append(r.greedy.sentence)
    return items


UNIT_SINGULAR = {"benefit": "US$ of benefit", "enterprises": "enterprise", "jobs": "job"}


def _amount(measure: str, value: float) -> str:
    """A target in its unit: US$ for benefit, else a count, with cents of a unit when
    fractional (a relaxed target is 1,805.02 enterprises: rounding would misstate it)."""
    if measure == "benefit":
        return numbers.money(value)
    whole = abs(value - round(value)) < 0.005
    return f"{numbers.count(value) if whole else numbers.number(value, 2)} {measure}"


def _objective_items(doc: ScenarioDocument) -> list[str]:
    """Targets, weights and diminishing returns: the objective's settings that shape the
    plan beyond its kind (one line each, only those set)."""
    ob = doc.scenario.objective
    items = []
    targets = [(m, v) for m, v in ob.targets.items() if v > 0]
    if targets:
        items.append("Targets: at least " + " and ".join(_amount(m, v) for m, v in targets))
    weights = [(m, w) for m, w in ob.weights.items() if w != 0]
    if ob.kind == "weighted" and weights:
        items.append(
            "Weights: "
            + ", ".join(
                f"{numbers.number(w, 0 if w == round(w) else 2)} per {UNIT_SINGULAR.get(m, m)}"
                for m, w in weights
            )
        )
    if ob.diminishing_returns.enabled:
        items.append("Diminishing returns: on (the first part of each candidate's scale pays most)")
    return items


def assumption_items(doc: ScenarioDocument) -> list[str]:
    """The inputs that shaped the plan, one line each."""
    sc = doc.scenario
    b = sc.budget
    per_year = ", ".join(numbers.money(v) for v in b.per_year) if b.per_year else "none"
    on = [f for f, enabled in rules_enabled(sc) if enabled]
    off = [f for f, enabled in rules_enabled(sc) if not enabled]
    items = [
        f"Objective: {OBJECTIVE_WORDS.get(sc.objective.kind, sc.objective.kind)}",
        *_objective_items(doc),
        f"Horizon {sc.horizon_years} years; money in US$ of {sc.price_year}",
        f"Budget: total {'none' if b.total is None else numbers.money(b.total)}; per year "
        f"{per_year}; carry-over {'on' if b.carry_over else 'off'}",
        "Rules on: " + (", ".join(on) or "none") + ("; off: " + ", ".join(off) if off else ""),
        f"Solver: {doc.result.solver.upper()} ({doc.result.status.replace('_', ' ')}); "
        f"dataset {doc.dataset}",
    ]
    if doc.notes:
        note = doc.notes if len(doc.notes) <= NOTES_CHARS else doc.notes[:NOTES_CHARS] + "…"
        items.append("Notes: " + note)
    return items


def caveat(doc: ScenarioDocument) -> str:
    """The data caveat: illustrative data (demo only) and central estimates."""
    return ((ILLUSTRATIVE + " ") if doc.dataset == "demo" else "") + ESTIMATES


def _figures_html(doc: ScenarioDocument) -> str:
    cells = "".join(f"<div><b>{_e(v)}</b><span>{_e(k)}</span></div>" for v, k in figures(doc))
    return f'<div class="figures">{cells}</div>'


def _table(title: str, rows: Sequence[tuple[str, float]], total: float) -> str:
    body = "".join(
        f'<tr><td>{_e(k)}</td><td class="num">{_e(v)}</td><td class="num">{_e(p)}</td></tr>'
        for k, v, p in table_rows(rows, total)
    )
    head = f'<tr><th>{_e(title)}</th><th class="num">public US$</th><th class="num">share</th></tr>'
    return f"<table>{head}{body}</table>"


def _items(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def brief_html(doc: ScenarioDocument, today: date | None = None) -> str:
    """A printable one-page (A4) HTML brief of the scenario with its charts as inline SVG."""
    r = doc.result
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(doc.name)}: funding scenario brief</title>",
        f"<style>{BRIEF_CSS}</style></head><body>",
        f"<h1>{_e(doc.name)}</h1>",
        f'<p class="meta">{_e(title_line(doc, today))}</p>',
        f'<p class="summary">{_e(summary_sentence(doc))}</p>',
    ]
    note = budget_limit_note(r, doc.scenario)
    if note:
        parts.append(f'<p class="note">{_e(note)}</p>')
    if r.objective is not None:
        kinds, regions = breakdown(r)
        charts = "".join(f"<figure>{svg(c)}</figure>" for c in brief_charts(r))
        parts += [
            _figures_html(doc),
            "<h2>Where the public money goes</h2>",
            f'<div class="charts">{charts}</div>',
            '<div class="cols"><div>',
            _table("Instrument", kinds, r.total_public),
            "</div><div>",
            _table("Region", regions, r.total_public),
            "</div></div>",
            "<h2>What limits the plan (binding rules)</h2>",
            _items(rule_items(r)),
        ]
    else:
        parts += ["<h2>Rules to relax</h2>", _items([s.sentence for s in r.relaxation])]
    parts += ["<h2>Assumptions</h2>", _items(assumption_items(doc))]
    parts.append(f'<p class="caveat"><b>Data caveat.</b> {_e(caveat(doc))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)
