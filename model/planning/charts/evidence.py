"""The Evidence page's charts: ranges as rules from low to high, a filled point only
where the source states a value (a range is never shown as if it had a midpoint), and
the cost-recovery paths. The rows come from ``model.costbenefit.views``.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from model.costbenefit.views import PathPoint, RangePoint
from model.formatting.i18n import _
from model.planning.charts.common import SCHEME

BAR_HEIGHT_PX = 26
CHART_WIDTH_PX = 640
OFFSET_STEP_PX = 16
LABEL_LIMIT_PX = 320
HAS_RANGE = "isValid(datum.low) && isValid(datum.high)"
HAS_VALUE = "isValid(datum.value)"


def _frame(rows: Sequence[RangePoint] | Sequence[PathPoint]) -> pd.DataFrame:
    # Nones become NaN, which Vega-Lite receives as null and the filters above drop.
    return pd.DataFrame([dict(r) for r in rows])


def _tooltip(number_format: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("programme:N", title=_("Programme")),
        alt.Tooltip("measure:N", title=_("Metric")),
        alt.Tooltip("qualifier:N", title=_("Which figure")),
        alt.Tooltip("value:Q", title=_("Value (as stated)"), format=number_format),
        alt.Tooltip("low:Q", title=_("Low"), format=number_format),
        alt.Tooltip("high:Q", title=_("High"), format=number_format),
    ]


def range_chart(
    rows: Sequence[RangePoint],
    title: str,
    axis_title: str,
    number_format: str = ",.0f",
    panels: bool = False,
) -> alt.LayerChart | alt.FacetChart:
    """Horizontal ranges (rule low to high) and stated values (point) per programme.

    ``panels``: one panel per metric with its own scale, for metrics that
    differ by orders of magnitude (cost per network and per enterprise) and
    would squash each other on one axis.
    """
    scale = alt.Scale(zero=True, nice=True)
    axis = alt.Axis(format=number_format, tickCount=6, labelOverlap=True)
    measures = len({r["measure"] for r in rows})
    base = alt.Chart(_frame(rows)).encode(
        y=alt.Y("programme:N", title=None, sort=None, axis=alt.Axis(labelLimit=LABEL_LIMIT_PX)),
        color=alt.Color(
            "measure:N",
            title=_("Metric"),
            scale=alt.Scale(scheme=SCHEME),
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
        ),
        tooltip=_tooltip(number_format),
    )
    step = BAR_HEIGHT_PX
    if not panels:
        # Several metrics of one programme sit side by side within its band; the height
        # step then sizes each metric's sub-band, not the programme's band.
        base = base.encode(yOffset=alt.YOffset("measure:N"))
        step = OFFSET_STEP_PX if measures > 1 else BAR_HEIGHT_PX
    ranged = base.transform_filter(HAS_RANGE)
    x_low = alt.X("low:Q", title=axis_title, scale=scale, axis=axis)
    layered = alt.layer(
        ranged.mark_rule(strokeWidth=3).encode(x=x_low, x2="high:Q"),
        ranged.mark_tick(thickness=2, size=12).encode(x=x_low),
        ranged.mark_tick(thickness=2, size=12).encode(x=alt.X("high:Q", scale=scale)),
        base.transform_filter(HAS_VALUE)
        .mark_point(filled=True, size=90, opacity=1)
        .encode(x=alt.X("value:Q", scale=scale)),
    ).properties(width=CHART_WIDTH_PX, height=alt.Step(step))
    if not panels:
        single: alt.LayerChart | alt.FacetChart = layered.properties(title=title)
        return single
    header = alt.Header(labelAngle=0, labelOrient="top", labelAnchor="start", labelFontSize=13)
    faceted: alt.FacetChart = (
        layered.facet(row=alt.Row("measure:N", title=None, header=header))
        .resolve_scale(x="independent", y="independent")
        .properties(title=title)
    )
    return faceted


def recovery_chart(rows: Sequence[PathPoint]) -> alt.FacetChart:
    """Share of cost paid by fees (and the public share) by year of operation, per programme."""
    base = alt.Chart(_frame(rows)).encode(
        x=alt.X("year_of_operation:O", title=_("Year of operation"), axis=alt.Axis(labelAngle=0)),
        color=alt.Color(
            "programme:N",
            title=_("Programme"),
            scale=alt.Scale(scheme=SCHEME),
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
        ),
        tooltip=[
            alt.Tooltip("programme:N", title=_("Programme")),
            alt.Tooltip("year_of_operation:O", title=_("Year")),
            alt.Tooltip("value:Q", title=_("Share (as stated)"), format=".0%"),
            alt.Tooltip("low:Q", title=_("Low"), format=".0%"),
            alt.Tooltip("high:Q", title=_("High"), format=".0%"),
        ],
    )
    share_axis = alt.Axis(format="%")
    ranges = (
        base.transform_filter(HAS_RANGE)
        .mark_rule(strokeWidth=6, opacity=0.35)
        .encode(y=alt.Y("low:Q", title=_("Share of cost"), axis=share_axis), y2="high:Q")
    )
    stated = base.transform_filter(HAS_VALUE).encode(
        y=alt.Y(
            "value:Q", title=_("Share of cost"), axis=share_axis, scale=alt.Scale(domain=[0, 1])
        )
    )
    layered = alt.layer(
        ranges, stated.mark_line(), stated.mark_point(filled=True, size=70)
    ).properties(width=CHART_WIDTH_PX // 2 - 20, height=240)
    return layered.facet(column=alt.Column("measure:N", title=None)).properties(
        title=_("Cost-recovery paths: who pays, year by year")
    )
