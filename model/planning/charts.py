"""How scenarios are shown: the comparison's tables, and Altair charts of what moved.

Pure (no Streamlit): the Scenarios page draws these tables and charts, and the
printable brief embeds the charts of one plan as SVG (``svg``). Money is public
US$ over the horizon in the scenario's price year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import altair as alt
import pandas as pd
import vl_convert

from model.allocator.result import AllocationResult
from model.domain.candidates import KIND_LABELS
from model.planning.compare import Comparison, TotalGroup

SCHEME: Final = "tableau10"
MOVED_TOP = 20  # bars beyond this many candidates stop being readable
CHART_WIDTH_PX = 560
BAR_STEP_PX = 22
BRIEF_WIDTH_PX = 190
BRIEF_HEIGHT_PX = 120
LABEL_LIMIT_PX = 260
GROUP_TITLES: dict[TotalGroup, str] = {
    "kind": "Instrument",
    "region": "Region",
    "year": "Plan year",
    "source": "Funding source",
}


def _label(key: str, group: TotalGroup) -> str:
    return KIND_LABELS.get(key, key) if group == "kind" else key


def _legend() -> alt.Legend:
    return alt.Legend(orient="bottom", direction="vertical", labelLimit=0, title=None)


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
        "x": alt.X("delta:Q", title=f"Change vs '{c.names[0]}' (US$)", axis=alt.Axis(format="~s")),
        "color": alt.Color("scenario:N", scale=alt.Scale(scheme=SCHEME), legend=_legend()),
        "tooltip": [
            alt.Tooltip("candidate:N", title="Candidate"),
            alt.Tooltip("scenario:N", title="Scenario"),
            alt.Tooltip("delta:Q", title="Change (US$)", format=",.0f"),
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
            title=f"What moved: public funding per candidate ({len(moved)} largest changes)",
        )
    )
    return chart


def totals_chart(c: Comparison, group: TotalGroup) -> alt.Chart:
    """Public funding by kind, region, year or source, the scenarios side by side (US$)."""
    rows = [
        {"key": _label(t.key, group), "scenario": name, "amount": v}
        for t in c.totals
        if t.group == group
        for name, v in zip(c.names, t.values, strict=True)
    ]
    order = list(dict.fromkeys(str(r["key"]) for r in rows))
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows, columns=["key", "scenario", "amount"]))
        .mark_bar()
        .encode(
            x=alt.X("key:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30)),
            xOffset=alt.XOffset("scenario:N", sort=list(c.names)),
            y=alt.Y("amount:Q", title="Public funding (US$)", axis=alt.Axis(format="~s")),
            color=alt.Color(
                "scenario:N",
                sort=list(c.names),
                scale=alt.Scale(scheme=SCHEME),
                legend=_legend(),
            ),
            tooltip=[
                alt.Tooltip("key:N", title=GROUP_TITLES[group]),
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("amount:Q", title="US$", format=",.0f"),
            ],
        )
        .properties(
            width=CHART_WIDTH_PX, height=260, title=f"Public funding by {GROUP_TITLES[group]}"
        )
    )
    return chart


def _brief_bars(rows: Sequence[tuple[str, float]], title: str, horizontal: bool) -> alt.Chart:
    data = pd.DataFrame(rows, columns=["key", "amount"])
    order = [k for k, _ in rows]
    amount = alt.Axis(format="~s", tickCount=4)
    if horizontal:
        enc: dict[str, Any] = {
            "y": alt.Y("key:N", sort=order, title=None, axis=alt.Axis(labelLimit=110)),
            "x": alt.X("amount:Q", title="US$", axis=amount),
        }
    else:
        enc = {
            "x": alt.X("key:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            "y": alt.Y("amount:Q", title="US$", axis=amount),
        }
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar(color="#4e79a7")
        .encode(**enc)
        .properties(width=BRIEF_WIDTH_PX, height=BRIEF_HEIGHT_PX, title=title)
        # The page may draw the SVG's text in a wider font than vl_convert measured with.
        .properties(padding={"left": 12, "right": 6, "top": 4, "bottom": 4})
        .configure_axis(labelFontSize=9, titleFontSize=9)
        .configure_title(fontSize=11)
    )
    return chart


def brief_charts(result: AllocationResult) -> list[alt.Chart]:
    """Three small charts of one plan: public funding by instrument, region and plan year."""
    kinds = [(KIND_LABELS.get(k, k), v) for k, v in result.totals_by_kind.items()]
    regions = sorted(result.totals_by_region.items(), key=lambda kv: -kv[1])
    years = [(f"Y{t}", v) for t, v in enumerate(result.totals_by_year, start=1)]
    return [
        _brief_bars(kinds, "By instrument", horizontal=True),
        _brief_bars(regions, "By region", horizontal=True),
        _brief_bars(years, "By plan year", horizontal=False),
    ]


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart drawn as an SVG document (text, no browser needed)."""
    out: str = vl_convert.vegalite_to_svg(chart.to_dict())
    return out


def _delta_label(name: str) -> str:
    return f"Δ {name}"


def figure_text(value: float | None, unit: str, signed: bool = False) -> str:
    """A figure as the difference table shows it: US$ with separators, counts whole, return
    per dollar with cents; ``signed`` puts + before increases (for Δ columns)."""
    if value is None:
        return "-"
    sign = "+" if signed and value > 0 else ""
    if unit.startswith("US$") and " per " in unit:
        return f"{sign}{value:,.2f}"
    if unit.startswith("US$") or unit in ("count", "enterprises", "jobs"):
        return f"{sign}{value:,.0f}"
    return f"{sign}{value:,.4g}"


def metric_records(c: Comparison) -> list[dict[str, str]]:
    """The difference table as text: one row per figure, a column per scenario, then one Δ
    column per scenario after the reference."""
    out: list[dict[str, str]] = []
    for m in c.metrics:
        row = {"Figure": m.label, "Unit": m.unit}
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
            "Kind": KIND_LABELS.get(r.kind, r.kind),
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
        row: dict[str, object] = {"Rule": r.name, "Family": r.family}
        for n, b, p in zip(c.names, r.binding, r.shadow_price, strict=True):
            row[n] = f"binds ({p:,.4g})" if b and p is not None else "-"
        row["Meaning"] = r.sentence
        out.append(row)
    return out
