"""The evidence / data slice in Spanish (issue 15): importer refusals (row, column and both
readings of an ambiguous number), file and database messages, the evidence views' labels
and notes, ``fomento evidence|db --lang es``, and the Evidence, Methodology and Data pages
in AppTest for a Colombian browser. English is covered by the slice's own tests; the
checks marked "English" here only pin that the English text did not move."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from model import DATA_DIR
from model.cli import main
from model.costbenefit.dataset import EvidenceDataset
from model.costbenefit.engine import compute_programme_metrics
from model.costbenefit.results import ProgrammeMetrics
from model.costbenefit.table import metrics_table, shown_value, to_csv, to_text
from model.costbenefit.views import explain, mix_notes, range_points, stated_text
from model.domain.evidence import EvidenceRecord
from model.formatting.i18n import using
from model.formatting.parsing import NumberAmbiguous, parse_number
from model.store.evidence_files import load_csv_dataset
from model.store.importer import ImportRejected, check_dataset_name, parse_file
from model.store.tabular import FileRejected, read_tables
from tests.test_pages import open_page

PROGRAMMES_CSV = (
    "programme_id,name,instrument,country,source_file,passage\n"
    "P-1,Uno,broker_programme,Honduras,002.txt,para 1\n"
)
AMBIGUOUS_CSV = (
    "evidence_id,programme_id,metric,value,unit,currency,price_year,source_file,passage\n"
    "E-1,P-1,total_cost,250.000,USD,USD,1998,002.txt,para 1\n"
)


# --- model text -----------------------------------------------------------------------


def test_an_ambiguous_number_is_refused_in_spanish_naming_both_readings() -> None:
    with using("es", "es_CO"), pytest.raises(NumberAmbiguous) as exc:
        parse_number("250.000")
    text = str(exc.value)
    assert text.startswith("'250.000' se lee de dos maneras: ")
    assert "250000 (leído como 1.234,56)" in text and "250 (leído como 1,234.56 o 1234.56)" in text
    assert text.endswith("declare el formato de números del archivo para importarlo")


def test_an_ambiguous_number_is_refused_in_english_as_before() -> None:
    with pytest.raises(NumberAmbiguous) as exc:
        parse_number("250.000")
    assert str(exc.value) == (
        "'250.000' reads two ways: 250 (read as 1,234.56 or 1234.56) or 250000 (read as "
        "1.234,56); declare the file's number format to import it"
    )


def test_a_number_not_in_the_declared_format_says_how_it_would_read() -> None:
    with using("es", "es_CO"), pytest.raises(ValueError) as exc:
        parse_number("1,5", "en")
    assert str(exc.value) == (
        "'1,5' no es un número en el formato declarado 1,234.56 "
        "(leído como 1.234,56 o 1 234,56 es 1.5: revise el formato de números declarado)"
    )


def test_the_importer_names_row_and_column_in_spanish_and_keeps_the_column_name() -> None:
    with using("es", "es_CO"):
        with pytest.raises(ImportRejected) as exc:
            parse_file(AMBIGUOUS_CSV.encode(), "evidencia.csv", table="evidence")
        (problem,) = exc.value.problems
        shown = str(problem)  # worded when shown, in the language active then
    assert (problem.table, problem.row, problem.column) == ("evidence", 2, "value")
    assert shown.startswith(
        "registros de evidencia, fila 2, columna value: '250.000' se lee de dos maneras"
    )
    assert "250000" in shown and "250 (leído como" in shown
    assert str(exc.value).startswith("rechazado, no se escribió nada (1 problema):")


def test_the_declared_format_settles_it_and_the_summary_is_spanish() -> None:
    data = (PROGRAMMES_CSV.encode(), AMBIGUOUS_CSV.encode())
    (progs,) = parse_file(data[0], "programas.csv", table="programmes")
    (valid,) = parse_file(data[1], "evidencia.csv", table="evidence", number_format="es")
    rec = valid.records[0]
    assert isinstance(rec, EvidenceRecord) and rec.value == 250_000
    assert progs.spec.name == "programmes"


def test_schema_and_file_refusals_read_in_spanish() -> None:
    bad_header = b"evidence_id,programme_id,metric,valor\nE-1,P-1,total_cost,5\n"
    with using("es", "es_CO"):
        with pytest.raises(ImportRejected) as exc:
            parse_file(bad_header, "x.csv", table="evidence")
        messages = [str(p) for p in exc.value.problems]
        assert (
            "registros de evidencia, fila 1, columna valor: "
            "columna desconocida (revise cómo está escrita)" in (messages)
        )
        assert (
            "registros de evidencia, fila 1, columna unit: " + "falta una columna obligatoria"
            in messages
        )
        with pytest.raises(ImportRejected) as header_only:
            parse_file(b"evidence_id,programme_id\n", "x.csv", table="evidence")
        assert str(header_only.value.problems[0]) == (
            "archivo: x.csv: el archivo tiene encabezado pero ninguna fila de datos"
        )
        with pytest.raises(FileRejected) as empty:
            read_tables(b"", "vacio.csv")
        assert str(empty.value) == "vacio.csv: el archivo está vacío"
        with pytest.raises(FileRejected) as semi:
            read_tables(b"a;b;c\n1;2;3\n", "punto.csv")
        assert "separadas por punto y coma" in str(semi.value)
        assert check_dataset_name("") == (
            "el nombre del conjunto de datos está vacío; indique uno (p. ej., demo)"
        )
        assert check_dataset_name("x" * 1500) == (
            "el nombre del conjunto de datos tiene 1.500 caracteres; use como máximo 64"
        )


def test_an_unknown_column_is_named_as_the_file_has_it() -> None:
    header = (
        "evidence_id,programme_id,metric,value,unit,currency,price_year,source_file,passage,"
        "Valor_Extra\n"
    )
    row = "E-1,P-1,total_cost,250,USD,USD,1998,002.txt,para 1,x\n"
    with using("es", "es_CO"):
        with pytest.raises(ImportRejected) as exc:
            parse_file((header + row).encode(), "x.csv", table="evidence")
        shown = [str(p) for p in exc.value.problems]
    assert shown == [
        "registros de evidencia, fila 1, columna Valor_Extra: "
        "columna desconocida (revise cómo está escrita)"
    ]


@pytest.fixture(scope="module")
def shipped() -> tuple[EvidenceDataset, list[ProgrammeMetrics]]:
    dataset = load_csv_dataset(DATA_DIR)
    return dataset, compute_programme_metrics(dataset, None, 0.05, 10)


def test_metric_labels_notes_and_text_table_read_in_spanish(
    shipped: tuple[EvidenceDataset, list[ProgrammeMetrics]],
) -> None:
    dataset, pms = shipped
    records = {r.evidence_id: r for r in dataset.records}
    with using("es", "es_CO"):
        labels = {ex.label for pm in pms for ex in explain(pm, records)}
        assert "Costo por red" in labels and "Cost per network" not in labels
        measures = {p["measure"] for p in range_points(pms, ("bcr", "leverage"))}
        assert "Relación beneficio-costo (rendimiento por US$ total)" in measures
        notes = mix_notes(pms)
        assert any(
            n.startswith("el dinero está en US$ de distintos años de precios") for n in notes
        )
        text = to_text(metrics_table(pms))
        assert "Costo por red" in text
    # The metrics CSV keeps its English column keys and metric keys; the names read in
    # the active language, and English reads as before.
    with using("es", "es_CO"):
        csv_es = to_csv(metrics_table(pms))
    csv_en = to_csv(metrics_table(pms))
    assert csv_es.startswith("programme_id,programme,instrument,metric,label,")
    assert ",cost_per_network,Costo por red," in csv_es
    assert ",cost_per_network,Cost per network," in csv_en


def test_a_stated_figure_reads_from_and_until_in_spanish() -> None:
    rec = EvidenceRecord(
        evidence_id="E-1", programme_id="P-1", metric="networks_formed", value=59,
        unit="count", period_start=1998, source_file="002.txt", passage="para 1",
    )  # fmt: skip
    with using("es", "es_CO"):
        assert stated_text(rec).endswith(", desde 1998")
    assert stated_text(rec).endswith(", from 1998")


def test_fomento_evidence_prints_spanish_labels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "--data-dir", str(DATA_DIR), "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "Costo por red" in out and "Cost per network" not in out


def test_fomento_db_status_prints_spanish(app_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "--lang", "es_CO", "status"]) == 0
    out = capsys.readouterr().out
    assert "revisión: " in out and "(última " in out
    assert "programmes: " in out and " filas" in out


# --- pages ----------------------------------------------------------------------------


def spanish_page(page: str) -> AppTest:
    return open_page(page, locale="es-CO")


def test_evidence_page_reads_in_spanish(app_db: str) -> None:
    at = spanish_page("pages/evidence.py")
    assert at.title[0].value == "Evidencia"
    assert [s.value for s in at.subheader] == ["Gráficos", "De dónde viene cada número"]
    assert at.selectbox(key="evidence_price_year").label == "Año de precios"
    assert at.slider(key="evidence_discount_pct").label == "Tasa de descuento (% anual)"
    summary = " ".join(m.value for m in at.markdown)
    assert "programas**" in summary and "tasa de descuento 5 %" in summary
    table = at.dataframe[0].value
    assert "Costo por red" in set(table["label"])
    assert {"US$ por red", "proporción"} <= set(table["unit"])
    assert "relativo al sector" in set(table["basis"])
    assert any(" a " in v and "." in v for v in table["shown"])  # "60.000 a 120.000"
    assert any("Sin promediar" in w.value for w in at.warning)
    labels = [e.label for e in at.expander]
    assert any("métricas)" in label for label in labels)
    body = " ".join(m.value for m in at.markdown)
    assert "- Fórmula: `" in body and "- Fuentes: " in body


def test_methodology_page_reads_in_spanish_and_keeps_the_latex(app_db: str) -> None:
    at = spanish_page("pages/methodology.py")
    assert at.title[0].value == "Metodología"
    headers = [h.value for h in at.header]
    assert headers[0] == "1. Cifras de costo-beneficio (página Evidencia)"
    assert "3. Límites de la evidencia" in headers
    formulas = [f.value for f in at.latex]
    assert r"\text{costo por unidad} = \frac{\text{costo}}" in formulas[0]
    assert any(r"\mathrm{NPV} = \sum_{t=0}^{T}" in f for f in formulas)
    sources = at.dataframe[-1].value
    assert list(sources.columns) == ["archivo", "documento", "supuestos que se apoyan en él"]
    text = " ".join(m.value for m in at.markdown)
    assert "**Precio sombra**" not in text and "El **precio sombra** de una regla activa" in text


def test_data_page_reads_in_spanish(app_db: str) -> None:
    at = spanish_page("pages/data.py")
    assert at.title[0].value == "Datos"
    tabs = [t.label for t in at.tabs]
    assert tabs == [
        "Evidencia",
        "Programas",
        "Candidatos de planificación",
        "Importar",
        "Descargar",
    ]
    rows = " ".join(m.value for m in at.markdown)
    assert "filas de evidencia" in rows and "candidatos" in rows
    assert at.selectbox(key="data_import_table").label == "Tabla"
    assert "Las exportaciones se vuelven a importar como filas idénticas." in rows
    assert any("nombres de sus columnas en inglés" in c.value for c in at.caption)


def test_shown_values_follow_the_number_locale() -> None:
    row = {"value": 1_234_567.0, "low": 0.35, "high": 2_500_000.0, "unit": "USD"}
    share = {"value": None, "low": 0.125, "high": 0.5, "unit": "share"}
    with using("es", "es_CO"):
        assert shown_value(row) == "1.234.567 (0,35 a 2.500.000)"  # type: ignore[arg-type]
        assert shown_value(share) == "12,5 % a 50 %"  # type: ignore[arg-type]
    with using("es", "es_MX"):
        assert shown_value(row) == "1,234,567 (0.35 a 2,500,000)"  # type: ignore[arg-type]
    assert shown_value(row) == "1,234,567 (0.35 to 2,500,000)"  # type: ignore[arg-type]


def test_a_records_own_checks_read_in_spanish_through_the_importer() -> None:
    csv_text = (
        "evidence_id,programme_id,metric,value,low,high,unit,currency,price_year,source_file,"
        "passage\nE-1,P-1,networks_formed,5,7,9,count,,,002.txt,para 1\n"
    )
    with using("es", "es_CO"):
        with pytest.raises(ImportRejected) as exc:
            parse_file(csv_text.encode(), "x.csv", table="evidence")
        shown = [str(p) for p in exc.value.problems]
    assert shown == ["registros de evidencia, fila 2: el valor 5.0 es menor que el mínimo 7.0"]


def test_pydantic_refusals_read_in_spanish_and_unchanged_in_english() -> None:
    csv_text = (
        "evidence_id,programme_id,metric,value,unit,currency,price_year,source_file,passage\n"
        "E-1,P-1,total_cost,5,dollars,USD,1800,002.txt,para 1\n"
    )
    with using("es", "es_CO"):
        with pytest.raises(ImportRejected) as exc:
            parse_file(csv_text.encode(), "x.csv", table="evidence")
        spanish = [str(p) for p in exc.value.problems]
    assert spanish[0] == (
        "registros de evidencia, fila 2, columna unit: El valor debe ser uno de: "
        "'USD', 'count', 'share', "
        "'share_per_year', 'USD_per_USD', 'years' (se encontró 'dollars')"
    )
    assert spanish[1].startswith("registros de evidencia, fila 2, columna price_year: ")
    assert "1900" in spanish[1] and "Input should" not in spanish[1]
    with pytest.raises(ImportRejected) as exc:
        parse_file(csv_text.encode(), "x.csv", table="evidence")
    assert [str(p) for p in exc.value.problems][1] == (
        "evidence, row 2, column price_year: Input should be greater than or equal to 1900 "
        "(found '1800')"
    )


def test_metrics_computed_in_spanish_name_growth_and_units_in_spanish() -> None:
    dataset = load_csv_dataset(DATA_DIR)
    records = {r.evidence_id: r for r in dataset.records}
    with using("es", "es_CO"):
        pms = compute_programme_metrics(dataset, None, 0.05, 10)
        explained = [ex for pm in pms for ex in explain(pm, records)]
        labels = {ex.label for ex in explained}
        units = {ex.unit for ex in explained}
        warnings = [w for pm in pms for w in pm.warnings]
        formulas = " ".join(ex.formula for ex in explained)
    assert "Exportaciones, crecimiento compuesto por año" in labels
    assert "return_per_public_dollar = 14 (indicado por la fuente)" in formulas
    assert any(u.startswith("US$ por red") for u in units)
    assert "redes por articulador" in units and "networks per broker" not in units
    assert any(w.startswith("falta el costo: ") for w in warnings)
    english = compute_programme_metrics(dataset, None, 0.05, 10)
    assert "Exports, compound growth per year" in {m.label for pm in english for m in pm.metrics}


def test_fomento_import_refuses_an_ambiguous_number_in_spanish(
    app_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evidencia.csv"
    path.write_text(AMBIGUOUS_CSV.replace("P-1", "CERTEC"), encoding="utf-8")
    assert main(["import", str(path), "--table", "evidence", "--lang", "es_CO"]) != 0
    err = capsys.readouterr().err
    assert "rechazado, no se escribió nada (1 problema):" in err
    assert (
        "registros de evidencia, fila 2, columna value: '250.000' se lee de dos maneras: "
        "250 (leído como" in err
    )
    assert "250000 (leído como 1.234,56)" in err
    dry = ["import", str(path), "--table", "evidence", "--number-format", "es", "--dry-run"]
    assert main([*dry, "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "evidencia.csv: se escribiría: Registros de evidencia: filas nuevas 1, " in out
