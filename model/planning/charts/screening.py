"""The screening charts: NET matrix, NET history and benchmark.

The rows come from ``model.screening.net``; here they only get drawn (Networks page). Charts with a
discrete y axis size their bands by step (``alt.Step``) and stretch to the width:
a fixed pixel height made Streamlit collapse the bands to nothing. Status
colours read as traffic lights (achieved green, partly amber, not grey) and
the legend names them, so colour is never the only cue: the tooltip states it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import altair as alt
import pandas as pd

from model.formatting.i18n import N_, _
from model.planning.charts.common import label_expr
from model.screening.net import (
    STAGE_LABELS,
    STAGES,
    BenchmarkRow,
    NetCell,
    NetPoint,
)

STATUS_ORDER = ["achieved", "partly", "not"]
# A cell's status in words (the status is a code; ``model.screening.net.STATUS_LABELS``).
STATUS_WORDS = {"achieved": N_("achieved"), "partly": N_("partly"), "not": N_("not")}
NONE_YET = N_("none yet")  # no stage reached yet
STATUS_COLOURS = ["#2e7d32", "#f9a825", "#d9d9d9"]
CELL_PX = 34
STAGE_COLUMN_PX = 110  # the longest word of a stage name fits with room to spare
CHART_WIDTH_PX = 480  # half the page at 1400 px, so two charts sit side by side
BAR_STEP_PX = 28
LABEL_LIMIT_PX = 320


def net_heatmap(cells: Sequence[NetCell], title: str) -> alt.LayerChart:
    """The 7 x 5 NET matrix: indicator rows, stage columns, cell colour = status."""
    df = pd.DataFrame([asdict(c) for c in cells])
    df["result"] = [_(STATUS_WORDS.get(s, s)) for s in df["status"]] if len(df) else []
    stage_order = [STAGE_LABELS[s] for s in STAGES]
    base = alt.Chart(df, title=title).encode(
        x=alt.X(
            "stage_label:N",
            sort=stage_order,
            title=_("Stage"),
            # One word per line under the matrix: on one line above it the stage names
            # overlapped each other (and multi-line labels above it ran into the cells).
            axis=alt.Axis(
                labelAngle=0,
                labelOverlap=False,
                labelLimit=STAGE_COLUMN_PX,
                labelExpr="split(datum.label, ' ')",
                orient="bottom",
            ),
        ),
        y=alt.Y(
            "indicator_label:N",
            sort=list(dict.fromkeys(df["indicator_label"])),
            title=None,
            axis=alt.Axis(labelLimit=LABEL_LIMIT_PX - 100),
        ),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_COLOURS),
            legend=alt.Legend(
                title=_("Result"), orient="bottom", labelExpr=label_expr(STATUS_WORDS)
            ),
        ),
        tooltip=[
            alt.Tooltip("indicator_label:N", title=_("Indicator")),
            alt.Tooltip("stage_label:N", title=_("Stage")),
            alt.Tooltip("result:N", title=_("Result")),
        ],
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("result:N"),
        color=alt.condition(
            alt.datum.status == "achieved", alt.value("white"), alt.value("#333333")
        ),
    )
    chart: alt.LayerChart = (rect + text).properties(
        height=alt.Step(CELL_PX), width=alt.Step(STAGE_COLUMN_PX)
    )
    return chart


def net_history_chart(points: Sequence[NetPoint], title: str) -> alt.Chart:
    """NET score (share 0-1) at each assessment date, the stage in the tooltip."""
    df = pd.DataFrame(
        {
            "assessed_on": [p.assessed_on.isoformat() for p in points],
            "score": [p.score for p in points],
            "stage": [STAGE_LABELS[p.stage] if p.stage else _(NONE_YET) for p in points],
        }
    )
    chart: alt.Chart = (
        alt.Chart(df, title=title)
        .mark_line(point=alt.OverlayMarkDef(size=80))
        .encode(
            x=alt.X("assessed_on:T", title=_("Assessment date")),
            y=alt.Y(
                "score:Q",
                title=_("NET score (share of the 35 cells)"),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            tooltip=[
                alt.Tooltip("assessed_on:T", title=_("Date")),
                alt.Tooltip("score:Q", title=_("Score"), format=".0%"),
                alt.Tooltip("stage:N", title=_("Stage")),
            ],
        )
        .properties(width=CHART_WIDTH_PX, height=220)
    )
    return chart


def benchmark_chart(rows: Sequence[BenchmarkRow], highlight: str, title: str) -> alt.Chart:
    """Latest NET score per network, best first; the selected network stands out."""
    df = pd.DataFrame(
        {
            "network": [f"{r.network_id} {r.network_name}".strip() for r in rows],
            "network_id": [r.network_id for r in rows],
            "score": [r.score for r in rows],
            "stage": [STAGE_LABELS[r.stage] if r.stage else _(NONE_YET) for r in rows],
            "selected": [r.network_id == highlight for r in rows],
        }
    )
    chart: alt.Chart = (
        alt.Chart(df, title=title)
        .mark_bar()
        .encode(
            y=alt.Y(
                "network:N",
                sort=list(df["network"]),
                title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT_PX),
            ),
            x=alt.X(
                "score:Q",
                title=_("Latest NET score"),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.condition(alt.datum.selected, alt.value("#1f77b4"), alt.value("#b0c4de")),
            tooltip=[
                alt.Tooltip("network:N", title=_("Network")),
                alt.Tooltip("score:Q", title=_("Score"), format=".0%"),
                alt.Tooltip("stage:N", title=_("Stage")),
            ],
        )
        .properties(width=CHART_WIDTH_PX - 200, height=alt.Step(BAR_STEP_PX))
    )
    return chart
