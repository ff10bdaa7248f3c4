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

from babel.dates import format_date

from model.allocator.result import AllocationResult
from model.domain.candidates import KINDS
from model.formatting import numbers
from model.formatting.i18n import N_, _, active, ngettext
from model.planning.charts import brief_charts, svg
from model.planning.compare import funded_count
from model.planning.readout import budget_limit_note, status_words
from model.planning.workbook import (
    OBJECTIVE_WORDS,
    ScenarioDocument,
    in_language,
    kind_words,
    rules_enabled,
    summary_sentence,
)

BRIEF_RULES = 6  # portfolio rules listed on the one page; the rest are counted
BRIEF_REGIONS = 8  # regions listed by name; the others are summed in one row
NOTES_CHARS = 300  # longer notes would push the brief onto a second page
# English source text (``N_``), translated where the brief is written (``caveat``).
ILLUSTRATIVE = N_(
    "The demo dataset is illustrative: a fictional country whose candidates are derived "
    "from the evidence ranges, not real projects. Do not quote its figures as estimates."
)
ESTIMATES = N_(
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


def day_words(day: date) -> str:
    """A date as a reader of the active language writes it ("30 de noviembre de 2026",
    es_CO); English keeps the ISO date it always showed (2026-11-30). File names and
    machine fields keep ISO dates: this is for sentences only."""
    t = active()
    if t.language == "en":
        return day.isoformat()
    # The region's writing when the number locale is of the same language, else the
    # language's own (a Spanish reader with en_US figures still reads Spanish months).
    where = t.number_locale if t.number_locale.split("_")[0] == t.language else t.language
    return format_date(day, format="long", locale=where)


def title_line(doc: ScenarioDocument, today: date | None = None) -> str:
    """The line under the title: date, dataset and whether the plan is saved."""
    day = day_words(today or date.today())
    if doc.solved_now:
        saved = _("computed now, not saved")
    elif doc.saved_by:
        saved = _("version {version} saved by {user}").format(
            version=doc.version, user=doc.saved_by
        )
    else:
        saved = _("version {version}").format(version=doc.version)
    return _("Funding scenario brief, {day}. Dataset {dataset}; {saved}. Fomento.").format(
        day=day, dataset=doc.dataset, saved=saved
    )


def figures(doc: ScenarioDocument) -> list[tuple[str, str]]:
    """(value as shown, what it is): the eight key figures of the plan."""
    r, sc = doc.result, doc.scenario
    budget = r.budget_available
    funded = _("{funded} of {total}").format(
        funded=numbers.count(funded_count(r, sc)), total=numbers.count(len(sc.candidates))
    )
    return [
        (numbers.money(r.total_public), _("public money used")),
        (_("no limit") if budget is None else numbers.money(budget), _("budget available")),
        (numbers.money(r.unallocated or 0.0), _("left unallocated")),
        (numbers.money(r.return_per_public_dollar, cents=True), _("benefit per public dollar")),
        (numbers.count(r.outcomes.get("enterprises", 0.0)), _("enterprises reached")),
        (numbers.count(r.outcomes.get("jobs", 0.0)), _("jobs")),
        (numbers.money(r.outcomes.get("benefit", 0.0)), _("expected benefit")),
        (funded, _("candidates funded")),
    ]


def breakdown(r: AllocationResult) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Public funding (US$) by instrument, and by region (largest first; the smallest
    summed in one row beyond ``BRIEF_REGIONS``)."""
    kinds = [(kind_words(k), r.totals_by_kind.get(k, 0.0)) for k in KINDS]
    regions = sorted(r.totals_by_region.items(), key=lambda kv: -kv[1])
    if len(regions) > BRIEF_REGIONS:
        rest = regions[BRIEF_REGIONS - 1 :]
        others = ngettext("{n} other region", "{n} other regions", len(rest)).format(
            n=numbers.count(len(rest))
        )
        other = (others, sum(v for _name, v in rest))
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
        families = sorted({_(c.family) for c in binding if c not in portfolio[:BRIEF_RULES]})
        items.append(
            ngettext(
                "{n} more rule binds ({families}); the Excel export's Rules sheet "
                "lists every one with its shadow price.",
                "{n} more rules bind ({families}); the Excel export's Rules sheet "
                "lists every one with its shadow price.",
                rest,
            ).format(n=numbers.count(rest), families=", ".join(families))
        )
    if not items:
        items.append(_("No rule binds with a price: more money would not change the plan."))
    if r.greedy is not None:
        items.append(r.greedy.sentence)
    return items


# "per enterprise" and "per job": the English source (``N_``), read translated.
UNIT_SINGULAR = {
    "benefit": N_("US$ of benefit"),
    "enterprises": N_("enterprise"),
    "jobs": N_("job"),
}
# A target's measure after its figure ("1,805 enterprises").
MEASURE_WORDS = {"enterprises": N_("enterprises"), "jobs": N_("jobs")}


def _amount(measure: str, value: float) -> str:
    """A target in its unit: US$ for benefit, else a count, with cents of a unit when
    fractional (a relaxed target is 1,805.02 enterprises: rounding would misstate it)."""
    if measure == "benefit":
        return numbers.money(value)
    whole = abs(value - round(value)) < 0.005
    words = _(MEASURE_WORDS[measure]) if measure in MEASURE_WORDS else measure
    figure = numbers.count(value) if whole else numbers.number(value, 2)
    return f"{figure} {words}"


def _objective_items(doc: ScenarioDocument) -> list[str]:
    """Targets, weights and diminishing returns: the objective's settings that shape the
    plan beyond its kind (one line each, only those set)."""
    ob = doc.scenario.objective
    items = []
    targets = [(m, v) for m, v in ob.targets.items() if v > 0]
    if targets:
        amounts = [_amount(m, v) for m, v in targets]
        joined = amounts[0]
        for more in amounts[1:]:
            joined = _("{first} and {second}").format(first=joined, second=more)
        items.append(_("Targets: at least {targets}").format(targets=joined))
    weights = [(m, w) for m, w in ob.weights.items() if w != 0]
    if ob.kind == "weighted" and weights:
        each = [
            _("{weight} per {unit}").format(
                weight=numbers.number(w, 0 if w == round(w) else 2),
                unit=_(UNIT_SINGULAR[m]) if m in UNIT_SINGULAR else m,
            )
            for m, w in weights
        ]
        items.append(_("Weights: {weights}").format(weights=", ".join(each)))
    if ob.diminishing_returns.enabled:
        items.append(
            _("Diminishing returns: on (the first part of each candidate's scale pays most)")
        )
    return items


def assumption_items(doc: ScenarioDocument) -> list[str]:
    """The inputs that shaped the plan, one line each."""
    sc = doc.scenario
    b = sc.budget
    per_year = ", ".join(numbers.money(v) for v in b.per_year) if b.per_year else _("none")
    on = [f for f, enabled in rules_enabled(sc) if enabled]
    off = [f for f, enabled in rules_enabled(sc) if not enabled]
    rules = _("Rules on: {on}").format(on=", ".join(on) or _("none"))
    if off:
        rules = _("Rules on: {on}; off: {off}").format(
            on=", ".join(on) or _("none"), off=", ".join(off)
        )
    total = _("none") if b.total is None else numbers.money(b.total)
    budget = (
        _("Budget: total {total}; per year {per_year}; carry-over on")
        if b.carry_over
        else _("Budget: total {total}; per year {per_year}; carry-over off")
    )
    items = [
        _("Objective: {objective}").format(
            objective=OBJECTIVE_WORDS.get(sc.objective.kind, sc.objective.kind)
        ),
        *_objective_items(doc),
        _("Horizon {years} years; money in US$ of {price_year}").format(
            years=sc.horizon_years, price_year=sc.price_year
        ),
        budget.format(total=total, per_year=per_year),
        rules,
        _("Solver: {solver} ({status}); dataset {dataset}").format(
            solver=doc.result.solver.upper(),
            status=status_words(doc.result.status),
            dataset=doc.dataset,
        ),
    ]
    if doc.notes:
        note = doc.notes if len(doc.notes) <= NOTES_CHARS else doc.notes[:NOTES_CHARS] + "…"
        items.append(_("Notes: {notes}").format(notes=note))
    return items


def caveat(doc: ScenarioDocument) -> str:
    """The data caveat: illustrative data (demo only) and central estimates."""
    return ((_(ILLUSTRATIVE) + " ") if doc.dataset == "demo" else "") + _(ESTIMATES)


def _figures_html(doc: ScenarioDocument) -> str:
    cells = "".join(f"<div><b>{_e(v)}</b><span>{_e(k)}</span></div>" for v, k in figures(doc))
    return f'<div class="figures">{cells}</div>'


def _table(title: str, rows: Sequence[tuple[str, float]], total: float) -> str:
    body = "".join(
        f'<tr><td>{_e(k)}</td><td class="num">{_e(v)}</td><td class="num">{_e(p)}</td></tr>'
        for k, v, p in table_rows(rows, total)
    )
    head = (
        f'<tr><th>{_e(title)}</th><th class="num">{_e(_("public US$"))}</th>'
        f'<th class="num">{_e(_("share"))}</th></tr>'
    )
    return f"<table>{head}{body}</table>"


def _items(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def brief_html(doc: ScenarioDocument, today: date | None = None) -> str:
    """A printable one-page (A4) HTML brief of the scenario with its charts as inline SVG."""
    with in_language(doc):
        return _brief_html(doc, today)


def _brief_html(doc: ScenarioDocument, today: date | None) -> str:
    r = doc.result
    parts = [
        "<!doctype html>",
        f'<html lang="{_e(active().language)}"><head><meta charset="utf-8">',
        f"<title>{_e(_('{name}: funding scenario brief').format(name=doc.name))}</title>",
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
            f"<h2>{_e(_('Where the public money goes'))}</h2>",
            f'<div class="charts">{charts}</div>',
            '<div class="cols"><div>',
            _table(_("Instrument"), kinds, r.total_public),
            "</div><div>",
            _table(_("Region"), regions, r.total_public),
            "</div></div>",
            f"<h2>{_e(_('What limits the plan (binding rules)'))}</h2>",
            _items(rule_items(r)),
        ]
    else:
        parts += [
            f"<h2>{_e(_('Rules to relax'))}</h2>",
            _items([s.sentence for s in r.relaxation]),
        ]
    parts += [f"<h2>{_e(_('Assumptions'))}</h2>", _items(assumption_items(doc))]
    parts.append(f'<p class="caveat"><b>{_e(_("Data caveat."))}</b> {_e(caveat(doc))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)
