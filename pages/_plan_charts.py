"""Altair charts of the Plan page (UI side); rows come from ``model.planning.readout``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import altair as alt
import pandas as pd

from model.allocator.result import ConstraintReport
from model.planning.readout import SweepCurve

SCHEME: Final = "tableau10"
WIDTH_PX = 560
HEIGHT_PX = 260
BAR_HEIGHT_PX = 22
# Under Streamlit's theme a single chart is autosized to "fit" and its plot squashed to a
# sliver; "pad" keeps the width and height set here (seen in a Chromium screenshot).
PAD = alt.AutoSizeParams(type="pad")
FUNDED_COLOURS = alt.Scale(domain=["funded", "not funded"], range=["#1f77b4", "#bbbbbb"])


def _kind_colour() -> alt.Color:
    return alt.Color(
        "kind:N",
        title="Instrument",
        scale=alt.Scale(scheme=SCHEME),
        legend=alt.Legend(orient="bottom"),
    )


def funding_by_year(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """Public funding (US$) per plan year, stacked by instrument."""
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Plan year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(amount):Q", title="Public funding (US$)", axis=alt.Axis(format="~s")),
            color=_kind_colour(),
            tooltip=[
                alt.Tooltip("year:O", title="Plan year"),
                alt.Tooltip("kind:N", title="Instrument"),
                alt.Tooltip("sum(amount):Q", title="US$", format=",.0f"),
            ],
        )
        .properties(
            title="Funding by instrument and year", width=WIDTH_PX, height=HEIGHT_PX, autosize=PAD
        )
    )
    return chart


def funding_by_region(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """Public funding (US$) over the horizon per region, stacked by instrument."""
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y("region:N", title=None, sort="-x"),
            x=alt.X("sum(amount):Q", title="Public funding (US$)", axis=alt.Axis(format="~s")),
            color=_kind_colour(),
            tooltip=[
                alt.Tooltip("region:N", title="Region"),
                alt.Tooltip("kind:N", title="Instrument"),
                alt.Tooltip("sum(amount):Q", title="US$", format=",.0f"),
            ],
        )
        .properties(title="Funding by region", width=WIDTH_PX, autosize=PAD)
    )
    return chart


def benefit_vs_cost(points: Sequence[dict[str, Any]]) -> alt.Chart:
    """Every candidate's full-scale cost and benefit (US$); size = enterprises reached."""
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(points))
        .mark_circle(opacity=0.75, stroke="#333333", strokeWidth=0.5)
        .encode(
            x=alt.X("cost:Q", title="Full cost over its life (US$)", axis=alt.Axis(format="~s")),
            y=alt.Y("benefit:Q", title="Expected benefit (US$)", axis=alt.Axis(format="~s")),
            size=alt.Size("enterprises:Q", title="Enterprises", legend=alt.Legend(orient="bottom")),
            color=alt.Color("status:N", title=None, scale=FUNDED_COLOURS),
            shape=alt.Shape("kind:N", title="Instrument", legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("candidate:N", title="Candidate"),
                alt.Tooltip("name:N", title="Name"),
                alt.Tooltip("kind:N", title="Instrument"),
                alt.Tooltip("cost:Q", title="Full cost (US$)", format=",.0f"),
                alt.Tooltip("benefit:Q", title="Benefit (US$)", format=",.0f"),
                alt.Tooltip("scale:Q", title="Scale funded", format=".0%"),
            ],
        )
        .properties(
            title="Benefit versus cost: funded and unfunded candidates",
            width=WIDTH_PX,
            height=HEIGHT_PX + 60,
            autosize=PAD,
        )
    )
    return chart


def shadow_prices(rules: Sequence[ConstraintReport]) -> alt.Chart:
    """Binding rules as bars of their shadow price; the tooltip carries the sentence."""
    df = pd.DataFrame(
        [
            {"rule": c.name, "family": c.family, "shadow": c.shadow_price, "sentence": c.sentence}
            for c in rules
        ]
    )
    chart: alt.Chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("rule:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("shadow:Q", title="Shadow price (objective per unit of the rule)"),
            color=alt.Color("family:N", title="Rule family", scale=alt.Scale(scheme=SCHEME)),
            tooltip=[
                alt.Tooltip("rule:N", title="Rule"),
                alt.Tooltip("shadow:Q", title="Shadow price", format=",.4g"),
                alt.Tooltip("sentence:N", title="Meaning"),
            ],
        )
        .properties(
            title="Binding rules and what one more unit of each is worth",
            width=WIDTH_PX,
            height=max(BAR_HEIGHT_PX * len(df), 60),
            autosize=PAD,
        )
    )
    return chart


def sweep(curve: SweepCurve, unit: str) -> alt.VConcatChart:
    """Outcome versus budget, and the marginal return below, with a rule where it flattens."""
    df = pd.DataFrame([r.__dict__ for r in curve.rows if r.objective is not None])
    x = alt.X("budget:Q", title="Budget (US$)", axis=alt.Axis(format="~s"))
    tips = [
        alt.Tooltip("budget:Q", title="Budget (US$)", format=",.0f"),
        alt.Tooltip("objective:Q", title=unit, format=",.0f"),
        alt.Tooltip("spent:Q", title="Spent (US$)", format=",.0f"),
        alt.Tooltip("marginal:Q", title="Marginal return", format=",.3g"),
    ]
    top: Any = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("objective:Q", title=unit, axis=alt.Axis(format="~s")), tooltip=tips)
        .properties(title="Outcome by budget level", width=WIDTH_PX, height=HEIGHT_PX - 40)
    )
    bottom: Any = (
        alt.Chart(df)
        .mark_line(point=True, interpolate="step-before", color="#e15759")
        .encode(x=x, y=alt.Y("marginal:Q", title="Marginal return per US$"), tooltip=tips)
        .properties(title="Marginal return of the last step", width=WIDTH_PX, height=HEIGHT_PX - 80)
    )
    if curve.flattens_at is not None:
        mark = pd.DataFrame([{"budget": curve.flattens_at, "label": "flattens here"}])
        rule = (
            alt.Chart(mark)
            .mark_rule(strokeDash=[6, 4], color="#555555")
            .encode(x="budget:Q", tooltip=[alt.Tooltip("budget:Q", format=",.0f")])
        )
        text = (
            alt.Chart(mark)
            .mark_text(align="left", dx=4, dy=-6, color="#555555")
            .encode(x="budget:Q", y=alt.value(8), text="label:N")
        )
        top = alt.layer(top, rule, text)
        bottom = alt.layer(bottom, rule)
    out: alt.VConcatChart = alt.vconcat(top, bottom)
    return out
