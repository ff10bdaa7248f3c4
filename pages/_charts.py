"""How every page draws a chart: ``show`` finishes it (its own size, SVG), draws it and
offers PNG and SVG downloads. The specs live in ``model.planning.charts``.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import streamlit as st

from model.planning import charts


def _spec(chart: alt.TopLevelMixin) -> str:
    return json.dumps(chart.to_dict(), sort_keys=True)


@st.cache_data(show_spinner=False, max_entries=64)
def _png(spec: str) -> bytes:
    return charts.png(json.loads(spec))


@st.cache_data(show_spinner=False, max_entries=64)
def _svg(spec: str) -> str:
    return charts.svg(json.loads(spec))


def show(chart: Any, name: str, key: str) -> None:
    """Draw a chart with PNG and SVG download buttons.

    The images are rendered only when a button is clicked (a callable ``data``),
    so browsing the page never waits for the converter (about 1 s the first time).
    """
    chart = charts.finish(chart)
    # Fixed widths: stretching a faceted chart to the column clips its panels.
    st.altair_chart(chart, width="content", key=f"{key}_chart")
    spec = _spec(chart)
    c1, c2, _spacer = st.columns([1, 1, 6])
    c1.download_button(
        "PNG",  # a file format's name, the same in every language
        lambda: _png(spec),
        file_name=f"{name}.png",
        mime="image/png",
        icon=":material/image:",
        on_click="ignore",
        key=f"{key}_png",
    )
    c2.download_button(
        "SVG",  # a file format's name, the same in every language
        lambda: _svg(spec),
        file_name=f"{name}.svg",
        mime="image/svg+xml",
        icon=":material/draw:",
        on_click="ignore",
        key=f"{key}_svg",
    )
