"""The printable one-page brief of a saved scenario (HTML, A4 when printed).

Title and date, a summary sentence, key figures, three charts as inline SVG
(``vl_convert``), the allocation by instrument and region, the binding rules with
their sentences, the assumptions and the data caveat. All text is HTML-escaped.
Units: money in US$ of the scenario's price year.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from model.allocator.explain.wording import money
from model.allocator.result import AllocationResult
from model.domain.candidates import KIND_LABELS, KINDS
from model.planning.charts import brief_charts, svg
from model.planning.compare import funded_count
from model.planning.workbook import ScenarioDocument, rules_enabled, summary_sentence

BRIEF_RULES = 6  # portfolio rules listed on the one page; the rest are counted
BRIEF_REGIONS = 8  # regions listed by name; the others are summed in one row
NOTES_CHARS = 300  # longer notes would push the brief onto a second page
ILLUSTRATIVE = (
    "The demo dataset is illustrative: a fictional country whose candidates are derived "
    "from the evidence ranges, not real projects. Do not quote its figures as estimates."
)
ESTIMATES = (
    "Outcomes use each candidate's central estimate at the funded scale; the candidates "
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
.cols > div { flex: 1 1 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { text-align: left; padding: 0.2mm 1.5mm; border-bottom: 1px solid #eaeef2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
ul { margin: 0; padding-left: 4.5mm; }
li { margin: 0.3mm 0; }
.caveat { border-left: 3px solid #e15759; padding: 1mm 2mm; margin-top: 3mm; background: #fff5f5; }
@media print { body { padding: 0; } h2, table, .charts { break-inside: avoid; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _figure(value: str, label: str) -> str:
    return f"<div><b>{_e(value)}</b><span>{_e(label)}</span></div>"


def _figures(doc: ScenarioDocument) -> str:
    r, sc = doc.result, doc.scenario
    rpd = r.return_per_public_dollar
    budget = r.budget_available
    out = [
        _figure(money(r.total_public), "public money used"),
        _figure("no limit" if budget is None else money(budget), "budget available"),
        _figure(money(r.unallocated or 0.0), "left unallocated"),
        _figure("-" if rpd is None else f"US${rpd:,.2f}", "benefit per public dollar"),
        _figure(f"{r.outcomes.get('enterprises', 0.0):,.0f}", "enterprises reached"),
        _figure(f"{r.outcomes.get('jobs', 0.0):,.0f}", "jobs"),
        _figure(money(r.outcomes.get("benefit", 0.0)), "expected benefit"),
        _figure(f"{funded_count(r, sc)} of {len(sc.candidates)}", "candidates funded"),
    ]
    return '<div class="figures">' + "".join(out) + "</div>"


def _table(title: str, rows: Sequence[tuple[str, float]], total: float) -> str:
    body = "".join(
        f'<tr><td>{_e(k)}</td><td class="num">{_e(money(v))}</td>'
        f'<td class="num">{(v / total if total else 0.0):.0%}</td></tr>'
        for k, v in rows
    )
    head = f'<tr><th>{_e(title)}</th><th class="num">public US$</th><th class="num">share</th></tr>'
    return f"<table>{head}{body}</table>"


def _rules_html(r: AllocationResult) -> str:
    binding = [c for c in r.constraints if c.binding and c.shadow_price != 0]
    portfolio = sorted((c for c in binding if c.portfolio), key=lambda c: -abs(c.shadow_price))
    items = [
        f"<li>{_e(c.sentence[:1].upper() + c.sentence[1:])}</li>" for c in portfolio[:BRIEF_RULES]
    ]
    rest = len(binding) - len(items)
    if rest > 0:
        families = sorted({c.family for c in binding if c not in portfolio[:BRIEF_RULES]})
        items.append(
            f"<li>{rest} more rules bind ({_e(', '.join(families))}); the Excel export's "
            "constraints sheet lists every one with its shadow price.</li>"
        )
    if not items:
        items.append("<li>No rule binds with a price: more money would not change the plan.</li>")
    if r.greedy is not None:
        items.append(f"<li>{_e(r.greedy.sentence)}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _assumptions_html(doc: ScenarioDocument) -> str:
    sc = doc.scenario
    b = sc.budget
    per_year = ", ".join(money(v) for v in b.per_year) if b.per_year else "none"
    on = [f for f, enabled in rules_enabled(sc) if enabled]
    off = [f for f, enabled in rules_enabled(sc) if not enabled]
    items = [
        f"Objective: maximise {_e(sc.objective.kind)}"
        if sc.objective.kind != "min_cost"
        else "Objective: least public cost meeting the targets",
        f"Horizon {sc.horizon_years} years; money in US$ of {sc.price_year}",
        f"Budget: total {_e('none' if b.total is None else money(b.total))}; per year "
        f"{_e(per_year)}; carry-over {'on' if b.carry_over else 'off'}",
        "Rules on: "
        + _e(", ".join(on) or "none")
        + ("; off: " + _e(", ".join(off)) if off else ""),
        f"Solver: {_e(doc.result.solver)} ({_e(doc.result.status)}); dataset {_e(doc.dataset)}",
    ]
    if doc.notes:
        note = doc.notes if len(doc.notes) <= NOTES_CHARS else doc.notes[:NOTES_CHARS] + "…"
        items.append("Notes: " + _e(note))
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def brief_html(doc: ScenarioDocument, today: date | None = None) -> str:
    """A printable one-page (A4) HTML brief of the scenario with its charts as inline SVG."""
    r = doc.result
    day = (today or date.today()).isoformat()
    saved = "computed now, not saved" if doc.solved_now else f"version {doc.version}"
    if doc.saved_by and not doc.solved_now:
        saved += f" saved by {doc.saved_by}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(doc.name)}: funding scenario brief</title>",
        f"<style>{BRIEF_CSS}</style></head><body>",
        f"<h1>{_e(doc.name)}</h1>",
        f'<p class="meta">Funding scenario brief, {day}. Dataset {_e(doc.dataset)}; '
        f"{_e(saved)}. Fomento.</p>",
        f'<p class="summary">{_e(summary_sentence(doc))}</p>',
    ]
    if r.objective is not None:
        total = r.total_public
        kinds = [(KIND_LABELS.get(k, k), r.totals_by_kind.get(k, 0.0)) for k in KINDS]
        regions = sorted(r.totals_by_region.items(), key=lambda kv: -kv[1])
        if len(regions) > BRIEF_REGIONS:
            rest = regions[BRIEF_REGIONS - 1 :]
            other = (f"{len(rest)} other regions", sum(v for _, v in rest))
            regions = [*regions[: BRIEF_REGIONS - 1], other]
        charts = "".join(f"<figure>{svg(c)}</figure>" for c in brief_charts(r))
        parts += [
            _figures(doc),
            "<h2>Where the public money goes</h2>",
            f'<div class="charts">{charts}</div>',
            '<div class="cols"><div>',
            _table("Instrument", kinds, total),
            "</div><div>",
            _table("Region", regions, total),
            "</div></div>",
            "<h2>What limits the plan (binding rules)</h2>",
            _rules_html(r),
        ]
    parts += ["<h2>Assumptions</h2>", _assumptions_html(doc)]
    caveat = ILLUSTRATIVE if doc.dataset == "demo" else ""
    parts.append(f'<p class="caveat"><b>Data caveat.</b> {_e(caveat)} {_e(ESTIMATES)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)
