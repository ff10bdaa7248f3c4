"""Charts in the reader's language and number locale (issue 15): Vega formats axis figures
and dates itself, so every chart carries the reader's locale in its spec
(``charts.common.finish`` for pages, ``svg``/``png`` for downloads, the brief and the PDF).
The browser check is ``tests/test_browser_charts.py::test_a_colombian_reader_sees_chart_
figures_and_months_in_spanish``."""

from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace
from typing import Any, cast

import altair as alt
from pypdf import PdfReader

from model import DATA_DIR
from model.allocator.api import allocate
from model.allocator.scenario import parse_scenario
from model.formatting import numbers
from model.formatting.i18n import using
from model.planning.charts import common
from model.planning.charts.plan import sweep
from model.planning.charts.uncertainty import evppi
from model.planning.pdf import brief_pdf
from model.planning.readout import SweepCurve, SweepRow
from model.planning.workbook import ScenarioDocument
from model.uncertainty.report import COVERS
from model.uncertainty.voi import GroupValue

SPEC: dict[str, Any] = {
    "data": {"values": [{"x": "2024-07-01", "y": 1_000_000.0}, {"x": "2025-04-01", "y": 0.5}]},
    "mark": "point",
    "encoding": {
        "x": {"field": "x", "type": "temporal"},
        "y": {"field": "y", "type": "quantitative", "axis": {"format": ",.1f"}},
    },
}


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_a_colombian_chart_spec_carries_colombian_separators_and_spanish_months() -> None:
    with using("es", "es_CO"):
        config = common.vega_config()
        chart = common.finish(alt.Chart(alt.InlineData(values=[{"a": 1}])).mark_point())
    number, time = config["locale"]["number"], config["locale"]["time"]
    assert (number["decimal"], number["thousands"], number["currency"]) == (",", ".", ["US$", ""])
    assert time["months"][6] == "julio" and time["days"][0] == "domingo"
    assert chart.to_dict()["config"]["locale"] == config["locale"]


def test_a_mexican_chart_keeps_mexican_separators_with_spanish_months() -> None:
    with using("es", "es_MX"):
        config = common.vega_config()
    assert config["locale"]["number"]["decimal"] == "."
    assert config["locale"]["time"]["months"][6] == "julio"


def test_an_english_chart_spec_is_unchanged() -> None:
    chart = alt.Chart(alt.InlineData(values=[{"a": 1}])).mark_point()
    assert common.vega_config() == {}
    assert "locale" not in common.finish(chart).to_dict().get("config", {})
    assert common.with_locale(SPEC) is SPEC


def test_downloaded_images_read_colombian_figures_and_spanish_months() -> None:
    with using("es", "es_CO"):
        texts = _texts(common.svg(SPEC))
    assert "1.000.000,0" in texts and "julio" in texts, texts
    assert "July" not in texts and "1,000,000.0" not in texts
    english = _texts(common.svg(SPEC))
    assert "1,000,000.0" in english and "July" in english


def test_si_money_axis_keeps_its_prefix_with_a_decimal_comma() -> None:
    spec = {**SPEC, "encoding": {"y": {"field": "y", "type": "quantitative", "axis": {
        "format": "~s", "labelExpr": common.MONEY_LABEL}}}}  # fmt: skip
    with using("es", "es_CO"):
        texts = _texts(common.svg(spec))
    assert "US$0,4M" in texts and "US$0" in texts, texts


def _curve() -> SweepCurve:
    rows = tuple(
        SweepRow(f, 1e6 * f, "optimal", 2e7 * min(f, 1.5), 1e6 * min(f, 1.2), 15.8 / f)
        for f in (0.25, 0.5, 1.0, 1.5, 2.0)
    )
    return SweepCurve(rows=rows, flattens_at=1.5e6, threshold=1.0)


def test_sweep_axis_keeps_us_dollar_capitals_and_its_label_clears_the_curve() -> None:
    with using("es", "es_CO"):
        spec = sweep(_curve(), numbers.unit_words("benefit")).to_dict()
        jobs = sweep(_curve(), numbers.unit_words("jobs")).to_dict()
    top = spec["vconcat"][0]["layer"]
    assert top[0]["encoding"]["y"]["title"] == "US$ de beneficio"
    assert jobs["vconcat"][0]["layer"][0]["encoding"]["y"]["title"] == "Empleos"
    label = top[2]
    assert label["encoding"]["text"] == {"field": "label", "type": "nominal"}
    # At the foot of the plot, where the curve is not (it has risen to the top).
    height = spec["vconcat"][0].get("height", top[0].get("height"))
    assert label["encoding"]["y"]["value"] > height / 2


def _voi() -> Any:
    groups = [
        GroupValue("instrument", "los rendimientos de las donaciones", (), 1.6e6, 8e4),
        GroupValue("candidate", "Capital testing lab (G-01)", (), 3.9e5, 3.9e4),
    ]
    return cast(Any, SimpleNamespace(groups=groups, evpi=1.7e6))


def test_evppi_legend_entries_are_whole_and_the_axis_reads_as_spanish() -> None:
    with using("es", "es_CO"):
        chart = evppi(_voi(), "Beneficio (US$)")
        texts = _texts(common.svg(chart))
        whole = (COVERS["candidate"], COVERS["instrument"])
    assert all(w in texts for w in whole), texts
    assert not any(t.endswith("…") for t in texts), texts
    assert "Valor máximo: Beneficio (US$)" in texts, texts
    assert "0,4M" in texts or "0,5M" in texts, texts


def test_instrument_legends_show_whole_names_in_spanish() -> None:
    rows = [{"kind": k, "v": 1.0} for k in ("cluster_initiative", "broker_programme")]
    with using("es", "es_CO"):
        chart = (
            alt.Chart(alt.InlineData(values=common.with_shown_kinds(rows)))
            .mark_bar()
            .encode(x="v:Q", color=common.kind_colour())
        )
        texts = _texts(common.svg(chart))
    assert "Programa de articuladores de redes" in texts, texts
    assert not any(t.endswith("…") for t in texts), texts


def test_pdf_brief_writes_the_spanish_instrument_names_whole() -> None:
    # "Programa de articuladores de red..." was cut in the instrument table (issue 15).
    inputs = json.loads((DATA_DIR / "scenarios" / "demo.json").read_text(encoding="utf-8"))
    with using("es", "es_CO"):
        sc = parse_scenario(inputs)
        doc = ScenarioDocument(
            name="Demo", notes="", dataset="demo", scenario=sc, result=allocate(sc)
        )
        pdf = brief_pdf(doc)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Programa de articuladores de redes US$" in " ".join(text.split())
