"""The plan's charts and its comparison: the Plan and Scenarios pages draw these Altair
specs, the brief embeds the small ones (SVG in HTML, PNG in the PDF). Money is public US$
over the horizon in the scenario's price year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from model.allocator.explain.wording import describe
from model.allocator.result import AllocationResult, ConstraintReport
from model.domain.candidates import KIND_LABELS, KINDS
from model.formatting import numbers
from model.formatting.i18n import N_, _
from model.planning.charts.common import (
    BAR_COLOUR,
    BAR_STEP_PX,
    BRIEF_HEIGHT_PX,
    BRIEF_WIDTH_PX,
    CHART_WIDTH_PX,
    FUNDED_COLOURS,
    HEIGHT_PX,
    INSTRUMENT_COLOURS,
    LABEL_LIMIT_PX,
    MONEY_LABEL,
    MOVED_TOP,
    SCHEME,
    funded_legend,
    kind_colour,
    kind_label,
    legend,
    money_axis,
    with_shown_kinds,
)
from model.planning.compare import Comparison, TotalGroup, unit_text
from model.planning.readout import SweepCurve

# English source (``N_``), translated where a chart is drawn.
GROUP_TITLES: dict[TotalGroup, str] = {
    "kind": N_("instrument"),
    "region": N_("region"),
    "year": N_("plan year"),
    "source": N_("funding source"),
}
# A tooltip's heading for the group, and the chart's title, as whole phrases.
GROUP_HEADINGS: dict[TotalGroup, str] = {
    "kind": N_("Instrument"),
    "region": N_("Region"),
    "year": N_("Plan year"),
    "source": N_("Funding source"),
}
GROUP_CHART_TITLES: dict[TotalGroup, str] = {
    "kind": N_("Public funding by instrument"),
    "region": N_("Public funding by region"),
    "year": N_("Public funding by plan year"),
    "source": N_("Public funding by funding source"),
}


# --- comparison --------------------------------------------------------------------------


def moved_chart(c: Comparison, top: int = MOVED_TOP) -> alt.Chart:
    """Change in public funding per candidate against the reference (US$), largest first."""
    moved = c.moved()[:top]
    rows = [
        {
            "candidate": f"{r.id} {r.name}",
            "scenario": name,
            "delta": d,
        }
        for r in moved
        for name, d in zip(c.names[1:], r.deltas[1:], strict=True)
    ]
    order = [f"{r.id} {r.name}" for r in moved]
    several = len(c.names) > 2
    enc: dict[str, Any] = {
        "y": alt.Y("candidate:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT_PX)),
        "x": alt.X(
            "delta:Q",
            title=_("Change vs '{reference}' (US$)").format(reference=c.names[0]),
            axis=money_axis(),
        ),
        "color": alt.Color("scenario:N", scale=alt.Scale(scheme=SCHEME), legend=legend()),
        "tooltip": [
            alt.Tooltip("candidate:N", title=_("Candidate")),
            alt.Tooltip("scenario:N", title=_("Scenario")),
            alt.Tooltip("delta:Q", title=_("Change (US$)"), format=",.0f"),
        ],
    }
    if several:
        enc["yOffset"] = alt.YOffset("scenario:N")
    step = BAR_STEP_PX // 2 if several else BAR_STEP_PX
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows, columns=["candidate", "scenario", "delta"]))
        .mark_bar()
        .encode(**enc)
        .properties(
            width=CHART_WIDTH_PX,
            height=alt.Step(step),
            title=_("What moved: public funding per candidate ({n} largest changes)").format(
                n=numbers.count(len(moved))
            ),
        )
    )
    return chart


def _group_label(key: str, group: TotalGroup) -> str:
    return kind_label(key) if group == "kind" else key


def totals_chart(c: Comparison, group: TotalGroup) -> alt.Chart:
    """Public funding by instrument, region, year or source, the scenarios side by side
    (US$): horizontal bars, one band per key and one bar per scenario within it, so long
    region names stay readable and the height grows with the number of keys."""
    rows = [
        {"key": _group_label(t.key, group), "scenario": name, "amount": v}
        for t in c.totals
        if t.group == group
        for name, v in zip(c.names, t.values, strict=True)
    ]
    order = list(dict.fromkeys(str(r["key"]) for r in rows))
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows, columns=["key", "scenario", "amount"]))
        .mark_bar()
        .encode(
            y=alt.Y("key:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT_PX)),
            yOffset=alt.YOffset("scenario:N", sort=list(c.names)),
            x=alt.X("amount:Q", title=_("Public funding (US$)"), axis=money_axis()),
            color=alt.Color(
                "scenario:N",
                sort=list(c.names),
                scale=alt.Scale(scheme=SCHEME),
                legend=legend(),
            ),
            tooltip=[
                alt.Tooltip("key:N", title=_(GROUP_HEADINGS[group])),
                alt.Tooltip("scenario:N", title=_("Scenario")),
                alt.Tooltip("amount:Q", title="US$", format=",.0f"),
            ],
        )
        .properties(
            width=CHART_WIDTH_PX,
            height=alt.Step(max(8, BAR_STEP_PX * 2 // len(c.names))),
            title=_(GROUP_CHART_TITLES[group]),
        )
    )
    return chart


# --- one plan: the brief's small charts --------------------------------------------------


def _brief_bars(
    rows: Sequence[tuple[str, float]], title: str, horizontal: bool, colours: Sequence[str]
) -> alt.Chart:
    data = pd.DataFrame(rows, columns=["key", "amount"])
    order = [k for k, _amount in rows]
    amount = alt.Axis(format="~s", tickCount=4, labelExpr=MONEY_LABEL)
    colour = alt.Color("key:N", scale=alt.Scale(domain=order, range=list(colours)), legend=None)
    if horizontal:
        enc: dict[str, Any] = {
            "y": alt.Y("key:N", sort=order, title=None, axis=alt.Axis(labelLimit=110)),
            "x": alt.X("amount:Q", title=None, axis=amount),
        }
    else:
        enc = {
            "x": alt.X("key:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            "y": alt.Y("amount:Q", title=None, axis=amount),
        }
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(color=colour, **enc)
        .properties(width=BRIEF_WIDTH_PX, height=BRIEF_HEIGHT_PX, title=title)
        # The page may draw the SVG's text in a wider font than vl_convert measured with.
        .properties(padding={"left": 12, "right": 6, "top": 4, "bottom": 4})
        .configure_axis(labelFontSize=9, titleFontSize=9)
        .configure_title(fontSize=11)
    )
    return chart


def brief_charts(result: AllocationResult) -> list[alt.Chart]:
    """Three small charts of one plan: public funding (US$) by instrument (in the
    instrument colours), by region and by plan year."""
    kinds = [(kind_label(k), result.totals_by_kind.get(k, 0.0)) for k in KINDS]
    regions = sorted(result.totals_by_region.items(), key=lambda kv: -kv[1])
    # "Y1": plan year 1, short enough for the brief's small chart ("A1" in Spanish).
    years = [(_("Y{year}").format(year=t), v) for t, v in enumerate(result.totals_by_year, start=1)]
    return [
        _brief_bars(kinds, _("By instrument (US$)"), True, [INSTRUMENT_COLOURS[k] for k in KINDS]),
        _brief_bars(regions, _("By region (US$)"), True, [BAR_COLOUR] * len(regions)),
        _brief_bars(years, _("By plan year (US$)"), False, [BAR_COLOUR] * len(years)),
    ]


# --- one plan: the Plan page's charts ----------------------------------------------------


def funding_by_year(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """Public funding (US$) per plan year, stacked by instrument (``readout.funding_long``)."""
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(with_shown_kinds(rows)))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=_("Plan year"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(amount):Q", title=_("Public funding (US$)"), axis=money_axis()),
            color=kind_colour(),
            tooltip=[
                alt.Tooltip("year:O", title=_("Plan year")),
                alt.Tooltip("kind:N", title=_("Instrument")),
                alt.Tooltip("sum(amount):Q", title="US$", format=",.0f"),
            ],
        )
        .properties(
            title=_("Funding by instrument and year"), width=CHART_WIDTH_PX, height=HEIGHT_PX
        )
    )
    return chart


def funding_by_region(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """Public funding (US$) over the horizon per region, stacked by instrument."""
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(with_shown_kinds(rows)))
        .mark_bar()
        .encode(
            y=alt.Y("region:N", title=None, sort="-x", axis=alt.Axis(labelLimit=LABEL_LIMIT_PX)),
            x=alt.X("sum(amount):Q", title=_("Public funding (US$)"), axis=money_axis()),
            color=kind_colour(),
            tooltip=[
                alt.Tooltip("region:N", title=_("Region")),
                alt.Tooltip("kind:N", title=_("Instrument")),
                alt.Tooltip("sum(amount):Q", title="US$", format=",.0f"),
            ],
        )
        .properties(
            title=_("Funding by region"), width=CHART_WIDTH_PX, height=alt.Step(BAR_STEP_PX)
        )
    )
    return chart


def benefit_vs_cost(points: Sequence[dict[str, Any]]) -> alt.Chart:
    """Every candidate's full-scale cost and benefit (US$); size = enterprises reached."""
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(with_shown_kinds(points)))
        .mark_point(filled=True, opacity=0.75, stroke="#333333", strokeWidth=0.5)
        .encode(
            x=alt.X("cost:Q", title=_("Full cost over its life (US$)"), axis=money_axis()),
            y=alt.Y("benefit:Q", title=_("Expected benefit (US$)"), axis=money_axis()),
            size=alt.Size(
                "enterprises:Q",
                title=_("Enterprises"),
                legend=alt.Legend(orient="bottom", labelLimit=0),
            ),
            color=alt.Color("status:N", title=None, scale=FUNDED_COLOURS, legend=funded_legend()),
            shape=alt.Shape(
                "kind:N", title=_("Instrument"), legend=alt.Legend(orient="bottom", labelLimit=0)
            ),
            tooltip=[
                alt.Tooltip("candidate:N", title=_("Candidate")),
                alt.Tooltip("name:N", title=_("Name")),
                alt.Tooltip("kind:N", title=_("Instrument")),
                alt.Tooltip("cost:Q", title=_("Full cost (US$)"), format=",.0f"),
                alt.Tooltip("benefit:Q", title=_("Benefit (US$)"), format=",.0f"),
                alt.Tooltip("scale:Q", title=_("Scale funded"), format=".0%"),
            ],
        )
        .properties(
            title=_("Benefit versus cost: funded and unfunded candidates"),
            width=CHART_WIDTH_PX,
            height=HEIGHT_PX + 60,
        )
    )
    return chart


RULE_LABEL_PX = 340  # a rule's name and its price: "G-13's public-share ceiling in year 1 (11,815)"


def rule_label(c: ConstraintReport) -> str:
    """A binding rule in words ("The year-1 budget", "G-14's eligibility", "The Matching
    grant ceiling")."""
    what = describe(c.name)[0]
    for key in KIND_LABELS:
        what = what.replace(key, kind_label(key).lower())
    return what[:1].upper() + what[1:]


def _rule_panel(c: ConstraintReport) -> str:
    unit = describe(c.name)[1]
    if c.portfolio:
        return _(
            "Rules on the whole plan: objective gained per one more {unit} of the limit"
        ).format(unit=unit)
    return _("Rules on one candidate: objective gained per one more {unit} of the limit").format(
        unit=unit
    )


def binding_rules_chart(rules: Sequence[ConstraintReport]) -> alt.FacetChart:
    """Binding rules as bars of their shadow price, labelled in words, one panel per kind
    of rule (whole plan or one candidate) and unit of its limit (US$1 of budget, a unit of
    a candidate's scale): each panel has its own scale, so a candidate's price (thousands
    or millions) never flattens the budget's price per US$ (a few units)."""
    df = pd.DataFrame(
        [
            {
                # The price in figures beside its name: one panel can hold -75,003 and
                # -6.00, and a bar of -6 on that scale is 0 px wide.
                "rule": f"{rule_label(c)} ({numbers.compact(c.shadow_price)})",
                "panel": _rule_panel(c),
                "shadow": c.shadow_price,
                "shown": numbers.compact(c.shadow_price),
                "sentence": c.sentence,
            }
            for c in rules
        ]
    )
    bars = (
        alt.Chart()
        .mark_bar(color=BAR_COLOUR)
        .encode(
            y=alt.Y("rule:N", title=None, sort=None, axis=alt.Axis(labelLimit=RULE_LABEL_PX)),
            x=alt.X(
                "shadow:Q", title=_("Objective gained (shadow price)"), axis=alt.Axis(format="~s")
            ),
            tooltip=[
                alt.Tooltip("rule:N", title=_("Rule")),
                alt.Tooltip("shown:N", title=_("Shadow price")),
                alt.Tooltip("sentence:N", title=_("Meaning")),
            ],
        )
        .properties(width=CHART_WIDTH_PX - 120, height=alt.Step(BAR_STEP_PX))
    )
    header = alt.Header(labelAngle=0, labelOrient="top", labelAnchor="start", labelFontSize=12)
    chart: alt.FacetChart = (
        alt.layer(bars, data=df)
        .facet(row=alt.Row("panel:N", title=None, header=header, sort=None))
        .resolve_scale(x="independent", y="independent")
        .properties(title=_("Binding rules and what one more unit of each is worth"))
    )
    return chart


def sweep(curve: SweepCurve, unit: str) -> alt.VConcatChart:
    """Outcome versus budget, and the marginal return below, with a rule where it flattens.

    ``unit``: the objective's unit in words ("US$ of benefit", "jobs"); its first letter
    is raised here, the rest kept ("US$ de beneficio", never "Us$ de beneficio")."""
    unit = unit[:1].upper() + unit[1:]
    df = pd.DataFrame([r.__dict__ for r in curve.rows if r.objective is not None])
    x = alt.X("budget:Q", title=_("Budget (US$)"), axis=money_axis())
    tips = [
        alt.Tooltip("budget:Q", title=_("Budget (US$)"), format=",.0f"),
        alt.Tooltip("objective:Q", title=unit, format=",.0f"),
        alt.Tooltip("spent:Q", title=_("Spent (US$)"), format=",.0f"),
        alt.Tooltip("marginal:Q", title=_("Marginal return"), format=",.3f"),
    ]
    top: Any = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("objective:Q", title=unit, axis=alt.Axis(format="~s")), tooltip=tips)
        .properties(title=_("Outcome by budget level"), width=CHART_WIDTH_PX, height=HEIGHT_PX - 40)
    )
    bottom: Any = (
        alt.Chart(df)
        .mark_line(point=True, interpolate="step-before", color="#e15759")
        .encode(x=x, y=alt.Y("marginal:Q", title=_("Marginal return per US$")), tooltip=tips)
        .properties(
            title=_("Marginal return of the last step"),
            width=CHART_WIDTH_PX,
            height=HEIGHT_PX - 80,
        )
    )
    if curve.flattens_at is not None:
        mark = pd.DataFrame([{"budget": curve.flattens_at, "label": _("flattens here")}])
        rule = (
            alt.Chart(mark)
            .mark_rule(strokeDash=[6, 4], color="#555555")
            .encode(x="budget:Q", tooltip=[alt.Tooltip("budget:Q", format=",.0f")])
        )
        # The label sits at the foot of the rule: the curve has risen to the top of the
        # plot by the point it flattens, so the label at the top ran into it.
        text = (
            alt.Chart(mark)
            .mark_text(align="left", dx=4, dy=-6, color="#555555", baseline="bottom")
            .encode(x="budget:Q", y=alt.value(HEIGHT_PX - 40), text="label:N")
        )
        top = alt.layer(top, rule, text)
        bottom = alt.layer(bottom, rule)
    out: alt.VConcatChart = alt.vconcat(top, bottom)
    return out


# --- comparison tables as text -----------------------------------------------------------


def _delta_label(name: str) -> str:
    return f"Δ {name}"


def figure_text(value: float | None, unit: str, signed: bool = False) -> str:
    """A figure as the difference table shows it: US$ with separators, counts whole, return
    per dollar with cents, missing as a dash; ``signed`` puts + before increases (Δ
    columns). The unit is in its own column, so no "US$" here."""
    if unit.startswith("US$") and " per " in unit:
        return numbers.number(value, 2, signed=signed)
    if unit.startswith("US$") or unit in ("count", "enterprises", "jobs"):
        return numbers.number(value, 0, signed=signed)
    if numbers.is_missing(value):
        return numbers.MISSING
    assert value is not None
    text = numbers.compact(value)
    return f"+{text}" if signed and value > 0 and text != "0" else text


def metric_records(c: Comparison) -> list[dict[str, str]]:
    """The difference table as text: one row per figure, a column per scenario, then one Δ
    column per scenario after the reference."""
    out: list[dict[str, str]] = []
    for m in c.metrics:
        row = {"Figure": m.label, "Unit": unit_text(m.unit)}  # keys: the page words them
        row.update((n, figure_text(v, m.unit)) for n, v in zip(c.names, m.values, strict=True))
        row.update(
            (_delta_label(n), figure_text(d, m.unit, signed=True))
            for n, d in zip(c.names[1:], m.deltas[1:], strict=True)
        )
        out.append(row)
    return out


def candidate_records(c: Comparison, only_moved: bool = False) -> list[dict[str, object]]:
    """Funding per candidate (US$ over the horizon) with Δ vs the reference, largest move
    first."""
    out: list[dict[str, object]] = []
    for r in c.moved() if only_moved else c.candidates:
        row: dict[str, object] = {
            "Candidate": r.id,
            "Name": r.name,
            "Kind": kind_label(r.kind),
            "Region": r.region,
        }
        row.update(zip(c.names, r.funding, strict=True))
        row.update((_delta_label(n), d) for n, d in zip(c.names[1:], r.deltas[1:], strict=True))
        out.append(row)
    return out


def rule_records(c: Comparison) -> list[dict[str, object]]:
    """Binding rules: whether each binds (with its shadow price) in each scenario."""
    out: list[dict[str, object]] = []
    for r in c.rules:
        what = describe(r.name)[0]
        row: dict[str, object] = {"Rule": what[:1].upper() + what[1:], "Family": _(r.family)}
        for n, b, p in zip(c.names, r.binding, r.shadow_price, strict=True):
            row[n] = (
                _("binds ({price})").format(price=numbers.compact(p))
                if b and p is not None
                else numbers.MISSING
            )
        row["Meaning"] = r.sentence
        out.append(row)
    return out
