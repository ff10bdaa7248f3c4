"""The deliverables in Spanish (issue 15): the Excel workbook, the brief (HTML and PDF),
the chart specifications and ``fomento report``'s output, with Colombian numbers
(1.234.567,5) under ``using("es", "es_CO")``; the same files in English are unchanged.

The workbook is a document for people: nothing in the app reads it back (the JSON
export is the machine record), so its sheet names and headers are translated; row names
of the model (``budget_year[1]``) and the Settings sheet's field keys stay as they are.
"""

from __future__ import annotations

import dataclasses
import io
import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from model import DATA_DIR, cli
from model.allocator.api import allocate
from model.allocator.scenario import parse_scenario
from model.formatting.i18n import using
from model.planning.brief import brief_html
from model.planning.charts import (
    benefit_vs_cost,
    brief_charts,
    funding_by_year,
    net_heatmap,
    totals_chart,
)
from model.planning.charts.uncertainty import _end_colours, _plan_colours
from model.planning.compare import Compared, compare
from model.planning.pdf import brief_pdf
from model.planning.readout import candidate_points, funding_long
from model.planning.workbook import (
    SHEETS,
    ScenarioDocument,
    assumption_rows,
    sheet_names,
    workbook,
)
from model.screening.net import NetAssessment, matrix_cells

DEMO: dict[str, Any] = json.loads((DATA_DIR / "scenarios" / "demo.json").read_text("utf-8"))
DEMO_PATH = DATA_DIR / "scenarios" / "demo.json"
TODAY = date(2026, 11, 30)
SPANISH_SHEETS = [
    "Resumen",
    "Datos de entrada",
    "Asignación",
    "Gráficos",
    "Totales",
    "Reglas",
    "No financiados",
    "Referencia",
    "Candidatos",
    "Regiones",
    "Configuración",
]
# The main sheet's headers, as the Plan page's browser test checks them.
SPANISH_ALLOCATION = [
    "Candidato",
    "Nombre",
    "Instrumento",
    "Región",
    "Escala financiada",
    "Año 1 (US$)",
    "Año 2 (US$)",
    "Año 3 (US$)",
    "Año 4 (US$)",
    "Total (US$)",
]


@pytest.fixture(scope="module")
def doc() -> ScenarioDocument:
    sc = parse_scenario(DEMO)
    return ScenarioDocument(
        name="Plan de demostración",
        notes="",
        dataset="demo",
        scenario=sc,
        result=allocate(sc),
        saved_by="ana",
        version=2,
    )


def _rows(wb: Any, sheet: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def test_the_workbook_reads_in_spanish_with_numbers_kept(doc: ScenarioDocument) -> None:
    with using("es", "es_CO"):
        data = workbook(doc)
        assert sheet_names() == SPANISH_SHEETS
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == SPANISH_SHEETS
    assert all(len(n) <= 31 for n in wb.sheetnames)  # Excel's limit on a sheet name
    assert [c.value for c in wb["Asignación"][1]] == SPANISH_ALLOCATION
    alloc = wb["Asignación"]
    assert alloc["F2"].number_format == '"US$"#,##0'  # numbers stay numbers, formatted
    assert isinstance(alloc["F2"].value, int | float)
    kinds = {r[2] for r in _rows(wb, "Asignación")[1:]}
    assert kinds == {
        "Iniciativa de clúster",
        "Programa de articuladores de redes",
        "Donación de contrapartida",
    }
    summary = [r[0] for r in _rows(wb, "Resumen") if r[0]]
    assert "El plan en un párrafo" in summary and "Cifras clave" in summary
    assert "Qué limita el plan (restricciones activas)" in summary
    assert "Advertencia sobre los datos" in summary
    assert summary[1] == (
        "Escenario de financiamiento; conjunto de candidatos demo; versión 2 guardada por "
        "ana. Fomento."
    )
    figures = {r[0]: r for r in _rows(wb, "Resumen") if r[0]}
    assert figures["Estado"][1:] == ("óptimo", "solucionador HIGHS")
    assert figures["Candidatos financiados"][2] == f"de {len(doc.scenario.candidates)}"
    assert isinstance(figures["Dinero público utilizado"][1], int | float)
    inputs = {r[0]: r for r in _rows(wb, "Datos de entrada")[1:]}
    assert inputs["Presupuesto del año 1"][1] == 1_250_000
    assert inputs["Regla: a. Presupuestos"][1] == "activada"
    assert inputs["Traspaso de saldos"][1] == "sí"
    assert inputs["Objetivo"][1] == "Máximo beneficio (US$)"
    assert [c.value for c in wb["Gráficos"][1]][:2] == [
        "Año del plan",
        "Iniciativa de clúster (US$)",
    ]
    totals = {(r[0], r[1]) for r in _rows(wb, "Totales")[1:]}
    assert ("Año del plan", "Año 1") in totals
    rules = {r[1]: r for r in _rows(wb, "Reglas")[1:]}
    assert [c.value for c in wb["Reglas"][1]][7:9] == ["Precio sombra", "Activa"]
    assert rules["budget_year[1]"][2] == "a. Presupuestos"  # row name kept, family in words
    assert rules["budget_year[1]"][8] == "sí"
    header = _rows(wb, "Candidatos")[0]
    assert {"Beneficio (bajo, US$)", "Costo, año 1 de operación (US$)"} <= set(header)
    # The Settings sheet keeps the scenario file's field keys; its headings are translated.
    settings = _rows(wb, "Configuración")
    assert settings[0] == ("Parámetro", "Valor")
    assert ("rules.budget.enabled", "sí") in settings
    charts = wb["Gráficos"]._charts
    assert len(charts) == 2


def test_the_workbook_in_english_is_unchanged(doc: ScenarioDocument) -> None:
    wb = load_workbook(io.BytesIO(workbook(doc)))
    assert wb.sheetnames == list(SHEETS) == sheet_names()
    assert [c.value for c in wb["Allocation"][1]][:5] == [
        "Candidate",
        "Name",
        "Instrument",
        "Region",
        "Scale funded",
    ]
    settings = dict(_rows(wb, "Settings")[1:])
    assert settings["rules.budget.enabled"] == "yes"


def test_the_brief_html_reads_in_spanish_with_colombian_numbers(doc: ScenarioDocument) -> None:
    with using("es", "es_CO"):
        html = brief_html(doc, TODAY)
    assert '<html lang="es">' in html
    assert "Nota informativa del escenario de financiamiento, 30 de noviembre de 2026." in html
    for heading in ("A dónde va el dinero público", "Supuestos", "Advertencia sobre los datos."):
        assert heading in html
    assert "US$5.000.000" in html  # es_CO: dots for thousands
    assert "presupuesto disponible" in html and "candidatos financiados" in html
    assert "Horizonte de 4 años; montos en US$ de 2024" in html
    assert "traspaso de saldos activado" in html
    assert "No cite sus cifras como estimaciones." in html
    assert "Where the public money goes" not in html
    # English unchanged.
    english = brief_html(doc, TODAY)
    assert '<html lang="en">' in english and "Where the public money goes" in english
    assert "US$5,000,000" in english


def test_the_pdf_prints_spanish_accents(doc: ScenarioDocument) -> None:
    """Spanish accents are Latin-1: the built-in font draws them (read back with pypdf)."""
    with using("es", "es_CO"):
        pdf = brief_pdf(doc, TODAY)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for words in (
        "A dónde va el dinero público",
        "Qué limita el plan (restricciones activas)",
        "Supuestos",
        "Advertencia sobre los datos.",
        "Región",
        "Iniciativa de clúster",
        "Donación de contrapartida",
        "beneficio por dólar público",
    ):
        assert words in text, words
    assert "US$5.000.000" in text
    assert "?" not in text.replace("(se muestran como ?)", "")  # nothing undrawn
    assert reader.metadata is not None
    assert (
        reader.metadata.title
        == "Plan de demostración: nota informativa del escenario de financiamiento"
    )


def _axis_titles(spec: dict[str, Any]) -> list[str]:
    enc = spec.get("encoding", {})
    return [enc[ch]["title"] for ch in ("x", "y") if ch in enc and enc[ch].get("title")]


def test_chart_specs_have_spanish_titles_axes_and_matching_colours(
    doc: ScenarioDocument,
) -> None:
    r, sc = doc.result, doc.scenario
    with using("es", "es_CO"):
        year = funding_by_year(funding_long(r, sc)).to_dict()
        points = benefit_vs_cost(candidate_points(r, sc)).to_dict()
        brief = [c.to_dict() for c in brief_charts(r)]
        plans, ends = _plan_colours().to_dict(), _end_colours().to_dict()
    assert year["title"] == "Financiamiento por instrumento y año"
    assert _axis_titles(year) == ["Año del plan", "Financiamiento público (US$)"]
    colour = year["encoding"]["color"]
    assert colour["title"] == "Instrumento"
    assert [t["title"] for t in year["encoding"]["tooltip"]][:2] == ["Año del plan", "Instrumento"]
    # The data's instruments are the scale's domain: colours follow the instrument.
    data = next(iter(year["datasets"].values()))
    assert {row["kind"] for row in data} <= set(colour["scale"]["domain"])
    assert "Iniciativa de clúster" in colour["scale"]["domain"]
    assert points["title"] == "Beneficio frente a costo: candidatos financiados y no financiados"
    assert "no financiado" in points["encoding"]["color"]["legend"]["labelExpr"]
    assert [b["title"]["text"] if isinstance(b["title"], dict) else b["title"] for b in brief] == [
        "Por instrumento (US$)",
        "Por región (US$)",
        "Por año del plan (US$)",
    ]
    assert plans["domain"] == ["plan de valor esperado", "plan robusto"]
    assert ends["domain"] == ["bajo", "alto"]
    # English unchanged.
    english = funding_by_year(funding_long(r, sc)).to_dict()
    assert english["title"] == "Funding by instrument and year"
    assert _axis_titles(english) == ["Plan year", "Public funding (US$)"]


def test_comparison_and_net_charts_in_spanish(doc: ScenarioDocument) -> None:
    comparison = compare(
        [
            Compared("Base", doc.scenario, doc.result),
            Compared("Otra", doc.scenario, doc.result),
        ]
    )
    cells = matrix_cells(
        NetAssessment(
            network_id="N1",
            assessed_on=date(2024, 1, 1),
            cells=tuple(("achieved", "partly", "not", "not", "not") for _i in range(7)),
        )
    )
    with using("es", "es_CO"):
        region = totals_chart(comparison, "region").to_dict()
        heat = net_heatmap(cells, "Matriz NET").to_dict()
    assert region["title"] == "Financiamiento público por región"
    assert region["encoding"]["x"]["title"] == "Financiamiento público (US$)"
    rect = heat["layer"][0]["encoding"]
    assert rect["x"]["title"] == "Etapa"
    assert rect["color"]["legend"]["title"] == "Resultado"
    assert '"logrado"' in rect["color"]["legend"]["labelExpr"]
    data = next(iter(heat["datasets"].values()))
    assert {row["result"] for row in data} == {"logrado", "parcial", "no"}


def test_fomento_report_writes_spanish_files_and_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.xlsx"
    assert cli.main(["report", str(DEMO_PATH), "--out", str(out), "--lang", "es"]) == 0
    printed = capsys.readouterr().out
    assert f"Se escribió {out} (" in printed
    assert load_workbook(out).sheetnames == SPANISH_SHEETS
    pdf = tmp_path / "plan.pdf"
    assert cli.main(["report", str(DEMO_PATH), "--out", str(pdf), "--lang", "es_CO"]) == 0
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Supuestos" in text
    bad = tmp_path / "plan.txt"
    assert cli.main(["report", str(DEMO_PATH), "--out", str(bad), "--lang", "es"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fomento: error: --out: ")
    assert "debe terminar en .xlsx (libro de Excel) o .pdf (nota informativa)" in err
    # English unchanged.
    assert cli.main(["report", str(DEMO_PATH), "--out", str(bad)]) == 2
    assert "must end in .xlsx (workbook) or .pdf (brief)" in capsys.readouterr().err


def test_a_deferred_download_keeps_the_readers_language(doc: ScenarioDocument) -> None:
    """A page's download button runs its callable after the click in another thread,
    where no language is active: the document keeps the language it was made in."""
    with using("es", "es_CO"):
        spanish = dataclasses.replace(doc, language="es", number_locale="es_CO")
        made_here = ScenarioDocument(
            name=doc.name, notes="", dataset="demo", scenario=doc.scenario, result=doc.result
        )
    assert (made_here.language, made_here.number_locale) == ("es", "es_CO")
    out: dict[str, Any] = {}

    def deferred() -> None:  # a new thread starts with no active language
        out["xlsx"] = workbook(made_here)
        out["html"] = brief_html(spanish, TODAY)

    worker = threading.Thread(target=deferred)
    worker.start()
    worker.join()
    assert load_workbook(io.BytesIO(out["xlsx"])).sheetnames == SPANISH_SHEETS
    assert "A dónde va el dinero público" in out["html"] and "US$5.000.000" in out["html"]
    # Where a language is active, it wins (the CLI, a page's own run, a test).
    with using("en"):
        assert load_workbook(io.BytesIO(workbook(made_here))).sheetnames == list(SHEETS)


def test_fomento_help_follows_the_language_asked_for(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["report", "--lang", "es", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "Resuelve SCENARIO.json" in shown and "archivo que se escribe" in shown
    monkeypatch.setenv("FOMENTO_LANG", "es_MX")
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "resuelve un escenario y escribe su libro de Excel" in shown
    monkeypatch.delenv("FOMENTO_LANG")
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    assert "file to write" in capsys.readouterr().out  # English unchanged


def test_objective_weights_and_targets_are_worded_in_spanish(doc: ScenarioDocument) -> None:
    weighted = parse_scenario(
        {
            **DEMO,
            "objective": {
                "kind": "weighted",
                "weights": {"benefit": 1, "enterprises": 1500.5},
                "targets": {"jobs": 1200},
            },
        }
    )
    wdoc = dataclasses.replace(doc, scenario=weighted)
    with using("es", "es_CO"):
        rows = {r[0]: r for r in assumption_rows(wdoc)}
        html = brief_html(wdoc, TODAY)
    assert rows["Peso de empresas"][1] == 1500.5
    assert rows["Meta: empleos"][3] == "total mínimo"
    assert rows["Objetivo"][1] == "Combinación ponderada de beneficio, empresas y empleos"
    assert "Metas: al menos 1.200 empleos" in html
    assert "Pesos: 1 por US$ de beneficio, 1.500,50 por empresa" in html
