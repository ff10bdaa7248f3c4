"""Charts of the Uncertainty page (pure Altair; the numbers come from ``model.uncertainty``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import altair as alt
import numpy as np
import pandas as pd

from model.formatting import numbers
from model.formatting.i18n import N_, _
from model.planning.charts.common import (
    CHART_WIDTH_PX,
    FIRST_COLOUR,
    HEIGHT_PX,
    HIGH_COLOUR,
    LOW_COLOUR,
    PAD,
    RULE_COLOUR,
    SECOND_COLOUR,
)
from model.uncertainty.frontier import FrontierPoint
from model.uncertainty.montecarlo import MonteCarloResult
from model.uncertainty.planrisk import PlanRisk
from model.uncertainty.report import COVERS
from model.uncertainty.robust import RobustResult
from model.uncertainty.tornado import Tornado
from model.uncertainty.voi import ValueOfInformation

WIDTH_PX = CHART_WIDTH_PX
BAR_HEIGHT_PX = 18
FUNDED_BAR_PX = 20  # one label per bar at 11 px type
PCT_COLOUR = LOW_COLOUR
CENTRAL_COLOUR = HIGH_COLOUR
HIST_BINS = 30
FUNDED_ROWS = 40  # the funded-probability chart shows the least certain candidates first
# The two plans and a range's two ends: English source (``N_``); the charts write them in
# the active language, data and colour scale alike (``_plan_colours``, ``_end_colours``).
EV_PLAN: Final = N_("expected-value plan")
ROBUST_PLAN: Final = N_("robust plan")
LOW_END: Final = N_("low")
HIGH_END: Final = N_("high")


CURRENT_FLOOR: Final = N_("current floor")
SWEEP: Final = N_("sweep")


def _plan_colours() -> alt.Scale:
    return alt.Scale(domain=[_(EV_PLAN), _(ROBUST_PLAN)], range=[FIRST_COLOUR, SECOND_COLOUR])


def _end_colours() -> alt.Scale:
    return alt.Scale(domain=[_(LOW_END), _(HIGH_END)], range=[LOW_COLOUR, HIGH_COLOUR])


def _histogram(
    values: np.ndarray, marks: pd.DataFrame, unit: str, title: str
) -> alt.LayerChart | alt.FacetChart:
    """Draws binned, with a labelled rule per row of ``marks`` (label, value, colour)."""
    bars = (
        alt.Chart(pd.DataFrame({"value": values}))
        .mark_bar(opacity=0.8)
        .encode(
            x=alt.X(
                "value:Q",
                bin=alt.Bin(maxbins=HIST_BINS),
                title=unit,
                axis=alt.Axis(format="~s"),
            ),
            y=alt.Y("count():Q", title=_("Draws")),
            tooltip=[alt.Tooltip("count():Q", title=_("Draws"))],
        )
    )
    colour = alt.Color("colour:N", scale=None, legend=None)
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2, strokeDash=[4, 3])
        .encode(
            x="value:Q",
            color=colour,
            tooltip=[
                alt.Tooltip("label:N", title=_("Mark")),
                alt.Tooltip("value:Q", title=unit, format=",.0f"),
            ],
        )
    )
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4)
        .encode(x="value:Q", y=alt.Y("y:Q", axis=None), text="label:N", color=colour)
    )
    chart: alt.LayerChart | alt.FacetChart = (
        alt.layer(bars, rules, text)
        .resolve_scale(y="independent")
        .properties(title=title, width=WIDTH_PX, height=HEIGHT_PX, autosize=PAD)
    )
    return chart


def _marks(p10: float, p50: float, p90: float, central: float | None) -> pd.DataFrame:
    rows = [
        ("P10", p10, PCT_COLOUR, 0.95),
        ("P50", p50, PCT_COLOUR, 0.95),
        ("P90", p90, PCT_COLOUR, 0.95),
    ]
    if central is not None:
        rows.append((_("plan at central returns"), central, CENTRAL_COLOUR, 0.85))
    return pd.DataFrame(rows, columns=["label", "value", "colour", "y"])


def plan_histogram(r: PlanRisk, unit: str) -> alt.LayerChart | alt.FacetChart:
    """The fixed plan's objective in every draw, with P10, P50, P90 and its central value."""
    s = r.objective_summary
    return _histogram(
        r.objective,
        _marks(s.p10, s.p50, s.p90, r.objective_central),
        unit,
        _("The plan as it is, in each of {n} draws").format(n=numbers.count(len(r.objective))),
    )


def histogram(
    mc: MonteCarloResult, unit: str, central: float | None = None
) -> alt.LayerChart | alt.FacetChart:
    """The re-optimised optimum over the feasible draws, with P10, P50 and P90 rules and
    (``central``) the plan's value at the central returns."""
    o = mc.objective
    return _histogram(
        mc.draws.objective[mc.draws.ok],
        _marks(o.p10, o.p50, o.p90, central),
        unit,
        _("Re-optimised in each of {n} draws (returns known before deciding)").format(
            n=numbers.count(mc.feasible)
        ),
    )


def funded(mc: MonteCarloResult) -> alt.Chart:
    """Each candidate's probability of being funded, least certain first."""
    rows = sorted(mc.funded_probability.items(), key=lambda kv: (abs(kv[1] - 0.5), kv[0]))
    df = pd.DataFrame(
        [
            {"candidate": c, "probability": p, "mean_scale": mc.mean_scale[c]}
            for c, p in rows[:FUNDED_ROWS]
        ]
    )
    chart: alt.Chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            # Every candidate labelled: Vega would otherwise drop labels it thinks overlap.
            y=alt.Y(
                "candidate:N",
                title=None,
                sort=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=200, labelFontSize=11),
            ),
            x=alt.X(
                "probability:Q",
                title=_("Share of draws in which it is funded"),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            tooltip=[
                alt.Tooltip("candidate:N", title=_("Candidate")),
                alt.Tooltip("probability:Q", title=_("Funded in"), format=".1%"),
                alt.Tooltip("mean_scale:Q", title=_("Mean scale"), format=".1%"),
            ],
        )
        .properties(
            title=_("Probability of being funded (least certain first)"),
            width=WIDTH_PX,
            height=alt.Step(FUNDED_BAR_PX),
            autosize=PAD,
        )
    )
    return chart


def plans(r: RobustResult, rows: Sequence[dict[str, float | str]]) -> alt.Chart:
    """Public funding (US$) of the candidates the two plans fund differently."""
    long = []
    for row in rows:
        for plan, key in (
            (_(EV_PLAN), "expected_value_plan"),
            (_(ROBUST_PLAN), "robust_plan"),
        ):
            long.append({"candidate": row["candidate"], "plan": plan, "funding": row[key]})
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(long))
        .mark_bar()
        .encode(
            y=alt.Y("candidate:N", title=None, sort=None),
            yOffset=alt.YOffset("plan:N"),
            x=alt.X("funding:Q", title=_("Public funding (US$)"), axis=alt.Axis(format="~s")),
            color=alt.Color(
                "plan:N",
                title=None,
                scale=_plan_colours(),
                legend=alt.Legend(orient="bottom", labelLimit=0),
            ),
            tooltip=[
                alt.Tooltip("candidate:N", title=_("Candidate")),
                alt.Tooltip("plan:N", title=_("Plan")),
                alt.Tooltip("funding:Q", title="US$", format=",.0f"),
            ],
        )
        .properties(
            title=_("Where the robust plan (worst {share}) differs").format(
                share=numbers.share(r.alpha)
            ),
            width=WIDTH_PX,
            height=alt.Step(BAR_HEIGHT_PX / 2),
            autosize=PAD,
        )
    )
    return chart


def frontier(
    points: Sequence[FrontierPoint], unit: str, current: float | None
) -> alt.LayerChart | alt.FacetChart:
    """Optimum against the lagging regions' share of public funding, one point per floor."""
    df = pd.DataFrame(
        [
            {
                "floor": p.floor,
                "share": p.lagging_share,
                "objective": p.objective,
                "lagging_enterprises": p.lagging_enterprises,
                "current": _(CURRENT_FLOOR)
                if current is not None and np.isclose(p.floor, current)
                else _(SWEEP),
            }
            for p in points
            if p.objective is not None
        ]
    )
    base = alt.Chart(df).encode(
        x=alt.X(
            "floor:Q",
            title=_("Least share of funding in lagging regions"),
            axis=alt.Axis(format="%"),
        ),
        y=alt.Y("objective:Q", title=unit, axis=alt.Axis(format="~s")),
        tooltip=[
            alt.Tooltip("floor:Q", title=_("Floor"), format=".0%"),
            alt.Tooltip("share:Q", title=_("Share reached"), format=".1%"),
            alt.Tooltip("objective:Q", title=unit, format=",.0f"),
            alt.Tooltip(
                "lagging_enterprises:Q", title=_("Firms reached in lagging"), format=",.0f"
            ),
        ],
    )
    chart: alt.LayerChart | alt.FacetChart = alt.layer(
        base.mark_line(),
        base.mark_point(filled=True, size=80).encode(
            color=alt.Color(
                "current:N",
                title=None,
                scale=alt.Scale(
                    domain=[_(SWEEP), _(CURRENT_FLOOR)], range=[FIRST_COLOUR, LOW_COLOUR]
                ),
                legend=alt.Legend(orient="bottom", labelLimit=0),
            )
        ),
    ).properties(title=_("Inclusion frontier"), width=WIDTH_PX, height=HEIGHT_PX, autosize=PAD)
    return chart


def tornado(t: Tornado, unit: str) -> alt.LayerChart | alt.FacetChart:
    """Bars from the optimum at each input's low end to its high end, around the base."""
    rows = []
    for b in t.bars:
        for end, value, label in (
            (_(LOW_END), b.objective_low, b.low_label),
            (_(HIGH_END), b.objective_high, b.high_label),
        ):
            if value is not None:
                rows.append({"input": b.input, "end": end, "label": label, "value": value})
    df = pd.DataFrame(rows)
    df["base"] = t.base
    order = [b.input for b in t.bars]
    bars = (
        alt.Chart(df)
        .mark_bar(opacity=0.85)
        .encode(
            y=alt.Y("input:N", title=None, sort=order, axis=alt.Axis(labelLimit=240)),
            x=alt.X("base:Q", title=unit, axis=alt.Axis(format="~s"), scale=alt.Scale(zero=False)),
            x2="value:Q",
            color=alt.Color(
                "end:N",
                title=_("Input at its"),
                scale=_end_colours(),
                legend=alt.Legend(orient="bottom", labelLimit=0),
            ),
            tooltip=[
                alt.Tooltip("input:N", title=_("Input")),
                alt.Tooltip("label:N", title=_("Set to")),
                alt.Tooltip("value:Q", title=unit, format=",.0f"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"base": [t.base]})).mark_rule(color=RULE_COLOUR).encode(x="base:Q")
    )
    chart: alt.LayerChart | alt.FacetChart = alt.layer(bars, rule).properties(
        title=_("What moves the optimum most ({n} of {total} inputs)").format(
            n=numbers.count(len(t.bars)), total=numbers.count(t.inputs)
        ),
        width=WIDTH_PX,
        height=alt.Step(BAR_HEIGHT_PX + 4),
        autosize=PAD,
    )
    return chart


VOI_ROWS = 15


def evppi(v: ValueOfInformation, unit: str) -> alt.LayerChart | alt.FacetChart:
    """The most valuable evaluations (EVPPI) with one standard error either side, and the
    EVPI (every return at once) as a rule: no evaluation is worth more."""
    df = pd.DataFrame(
        [
            {
                "group": g.label,
                "covers": COVERS[g.kind],
                "evppi": g.evppi,
                "low": max(g.evppi - g.se, 0.0),
                "high": g.evppi + g.se,
            }
            for g in v.groups[:VOI_ROWS]
        ]
    )
    y = alt.Y(
        "group:N",
        title=None,
        sort=None,
        axis=alt.Axis(labelOverlap=False, labelLimit=320, labelFontSize=11),
    )
    bars = (
        alt.Chart(df)
        .mark_bar(opacity=0.85)
        .encode(
            y=y,
            x=alt.X(
                "evppi:Q",
                title=_("Worth up to, {unit}").format(unit=unit),
                axis=alt.Axis(format="~s"),
            ),
            # One entry a line, never cut: "los rendimientos de un candidato" is twice
            # Vega's default label width.
            color=alt.Color(
                "covers:N",
                title=_("An evaluation of"),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
            ),
            tooltip=[
                alt.Tooltip("group:N", title=_("Evaluation of")),
                alt.Tooltip("evppi:Q", title=unit, format=",.0f"),
                alt.Tooltip("low:Q", title=_("minus one standard error"), format=",.0f"),
                alt.Tooltip("high:Q", title=_("plus one standard error"), format=",.0f"),
            ],
        )
    )
    errors = alt.Chart(df).mark_rule(color=RULE_COLOUR).encode(y=y, x="low:Q", x2="high:Q")
    evpi = (
        alt.Chart(pd.DataFrame({"evpi": [v.evpi], "label": [_("EVPI (every return)")]}))
        .mark_rule(color=PCT_COLOUR, strokeDash=[4, 3], strokeWidth=2)
        .encode(x="evpi:Q", tooltip=[alt.Tooltip("evpi:Q", title="EVPI", format=",.0f")])
    )
    # The rule's label sits left of it in the last band, where the bars are the shortest
    # (ranked), so it never covers a bar or an error line; the plot is one step per row.
    evpi_text = (
        alt.Chart(pd.DataFrame({"evpi": [v.evpi], "label": [_("EVPI: every return at once")]}))
        .mark_text(align="right", dx=-6, dy=-4, color=PCT_COLOUR, baseline="bottom")
        .encode(x="evpi:Q", y=alt.value(len(df) * FUNDED_BAR_PX), text="label:N")
    )
    chart: alt.LayerChart | alt.FacetChart = alt.layer(bars, errors, evpi, evpi_text).properties(
        title=_("Which evaluation is worth most (top {n} of {total})").format(
            n=numbers.count(len(df)), total=numbers.count(len(v.groups))
        ),
        width=WIDTH_PX,
        height=alt.Step(FUNDED_BAR_PX),
        autosize=PAD,
    )
    return chart
