"""The Plan page and the planning read-out in Spanish (issue 15): the summary sentence, the
budget-limit note, the sweep's rule, input errors and the comparison's labels under
``using("es", "es_CO")`` (Colombian figures: US$1.234.567,5), and the page in AppTest for
a Colombian browser. English stays as it was (tests/test_planner.py, test_page_plan*.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import DownloadButton

from model.allocator.api import SweepPoint, allocate
from model.allocator.scenario import load_scenario
from model.formatting.i18n import using
from model.planning.compare import Compared, compare
from model.planning.inputs import DEMO_SCENARIO, PlanInputs, build_scenario
from model.planning.readout import (
    allocation_rows,
    budget_limit_note,
    plan_title,
    status_words,
    summary_sentence,
    sweep_curve,
)
from pages._plan_state import STATE_KEY, PlanState
from tests.test_pages import open_page
from tests.test_planner import tiny, tiny_inputs, tiny_plan

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/plan.py"
TIMEOUT_S = 60
# es_CO groups thousands with a point: "US$4.565.920", never "US$4,565,920".
CO_MONEY = re.compile(r"US\$\d{1,3}(\.\d{3})+")


def test_summary_of_a_hand_checked_plan_in_spanish() -> None:
    sc, res = tiny_plan()
    with using("es", "es_CO"):
        text = summary_sentence(res, sc)
    assert text.startswith(
        "Con US$150 en 1 año: 2 iniciativas de clúster; 12 empresas beneficiarias"
    )
    assert "US$4,33 de beneficio por dólar público" in text
    assert text.count("limita el plan") == 1  # one rule (the total budget) binds
    assert "cluster initiatives" not in text and "enterprises reached" not in text
    # The same result read in English is unchanged.
    assert summary_sentence(res, sc).startswith("With US$150 over 1 year: 2 cluster initiatives")


def test_statuses_and_instruments_in_words() -> None:
    sc, res = tiny_plan()
    with using("es", "es_CO"):
        assert status_words("optimal") == "óptimo"
        assert status_words("time_limit") == "límite de tiempo"
        assert {r["kind"] for r in allocation_rows(res, sc)} == {"Iniciativa de clúster"}
    assert status_words("time_limit") == "time limit"  # English: the status in words
    assert status_words("something new") == "something new"
    assert {r["kind"] for r in allocation_rows(res, sc)} == {"Cluster initiative"}


def test_plural_forms_follow_the_count() -> None:
    cands, regions = tiny()
    sc = build_scenario(cands, regions, tiny_inputs(100.0, horizon=2))
    res = allocate(sc)
    with using("es", "es_CO"):
        text = summary_sentence(res, sc)
    assert text.startswith("Con US$100 en 2 años: 1 iniciativa de clúster;"), text


def test_year_budgets_below_the_total_in_spanish_with_colombian_figures() -> None:
    demo = load_scenario(DEMO_SCENARIO)
    budget = demo.budget.model_copy(
        update={"per_year": (10_000.0, 1_250_000.0, 1_250_000.0, 1_250_000.0)}
    )
    sc = demo.model_copy(update={"budget": budget})
    res = allocate(sc)
    with using("es", "es_CO"):
        note = budget_limit_note(res, sc)
    assert note is not None
    assert note.startswith(
        "Los presupuestos anuales suman US$3.760.000, menos que el presupuesto total de "
        "US$5.000.000: los presupuestos anuales, no el total, limitan este plan"
    ), note
    assert "año 1 (US$10.000)" in note
    # Mexico writes the same figures the English way.
    with using("es", "es_MX"):
        assert "US$3,760,000" in (budget_limit_note(res, sc) or "")


def test_sweep_rule_title_and_input_errors_in_spanish() -> None:
    pts = [SweepPoint(f, "optimal", o, f * 100.0) for f, o in ((0.5, 100.0), (1.0, 120.0))]
    with using("es", "es_CO"):
        curve = sweep_curve(pts, 100.0, "benefit")
        assert curve.rule == "por debajo de US$1,00 de beneficio por dólar"
        assert sweep_curve(pts, 100.0, "min_cost").rule == (
            "un plan de costo mínimo no tiene curva de rendimiento"
        )
        with pytest.raises(ValueError, match="el barrido necesita un presupuesto positivo"):
            sweep_curve(pts, 0.0, "benefit")
        demo = load_scenario(DEMO_SCENARIO)
        edited = demo.model_copy(update={"horizon_years": 3})
        # The demo's own name is worded in the reader's language (play report defect 14).
        assert plan_title(edited, demo) == "Demostración de Solvania: US$5 M en 4 años (editado)"
        cands, regions = tiny()
        # The field and the candidate id stay as they are in the inputs.
        with pytest.raises(ValueError, match="committed: 'Z' no está en este conjunto"):
            build_scenario(cands, regions, tiny_inputs(committed=("Z",)))
        bad = PlanInputs(total_budget=100.0, horizon=2, per_year_mode="custom", per_year=(1.0,))
        with pytest.raises(ValueError, match="per_year: 1 valores para un horizonte de 2 años"):
            build_scenario(cands, regions, bad)


def test_comparison_labels_and_notes_in_spanish_units_stay_keys() -> None:
    sc1, r1 = tiny_plan(150.0)
    sc2, r2 = tiny_plan(100.0)
    sc2 = sc2.model_copy(update={"price_year": 2020})
    items = [Compared("A", sc1, r1), Compared("B", sc2, r2)]
    with using("es", "es_CO"):
        c = compare(items)
        with pytest.raises(ValueError, match="elija al menos dos escenarios"):
            compare(items[:1])
    assert c.metric("budget_available").label == "Presupuesto disponible"
    assert c.metric("funded_cluster_initiative").label.startswith("Financiados: ")
    # Units are keys the difference table formats by: English, shown through _().
    assert c.metric("budget_available").unit == "US$"
    assert c.metric("jobs").unit == "count"
    assert any(n.startswith("El dinero está en US$ de distintos años de precios") for n in c.notes)
    assert {t.key for t in c.totals if t.group == "year"} == {"Año 1"}
    english = compare(items)
    assert english.metric("budget_available").label == "Budget available"
    assert {t.key for t in english.totals if t.group == "year"} == {"Year 1"}


# --- the page, for a Colombian browser ----------------------------------------------


def spanish_plan(locale: str = "es-CO") -> AppTest:
    return open_page(PAGE, locale=locale)


def test_plan_page_reads_in_spanish_before_solving(app_db: str) -> None:
    at = spanish_plan()
    assert at.title[0].value == "Plan"
    assert at.caption[0].value.startswith("Elija los candidatos, el dinero y las reglas")
    assert at.number_input(key="plan_total").label == "Presupuesto total (US$)"
    assert at.selectbox(key="plan_dataset").label == "Conjunto de candidatos"
    assert at.button(key="plan_solve").label == "Resolver"
    assert at.button(key="plan_reset").label == "Restablecer valores predeterminados"
    labels = [e.label for e in at.expander]
    assert "a. Presupuestos: total y por año" in labels
    assert "g. Combinación de políticas: instrumentos y regiones rezagadas" in labels
    assert any("pulse **Resolver**" in i.value for i in at.info)
    # The amount typed is repeated under the input with Colombian separators.
    assert any(c.value.replace("\\", "") == "US$5.000.000" for c in at.caption)


def test_solving_the_demo_in_spanish(app_db: str) -> None:
    at = spanish_plan()
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    summary = at.success[0].value
    assert summary.startswith("Con US\\$5,0 M en 4 años: "), summary
    assert "iniciativas de clúster" in summary and "empresas beneficiarias" in summary
    assert "de beneficio por dólar público" in summary
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {
        "Dinero público asignado",
        "Empresas beneficiarias",
        "Beneficio",
        "Beneficio por dólar público",
    }
    assert CO_MONEY.fullmatch(metrics["Dinero público asignado"]), metrics
    assert re.fullmatch(r"US\$\d+,\d\d", metrics["Beneficio por dólar público"]), metrics
    assert [s.value for s in at.subheader] == [
        "Resultado",
        "Barrido del presupuesto",
        "Descargar este plan",
        "Guardar escenario",
    ]
    assert "**Qué compra un dólar más**" in [m.value for m in at.markdown]
    assert at.radio(key="plan_chart").label == "Gráfico"
    assert "Por región" in at.radio(key="plan_chart").options
    labels = [b.label for b in at.get("download_button") if isinstance(b, DownloadButton)]
    assert labels[-2:] == [
        "Libro de Excel",
        "Nota informativa en PDF",
    ]  # after the chart's PNG, SVG
    # The table keeps its keys; only the headings a person reads are translated.
    assert "total" in at.dataframe[0].value.columns
    state = at.session_state[STATE_KEY]
    assert isinstance(state, PlanState) and state.solved_lang == "es_CO"


def test_the_sweep_reads_in_spanish(app_db: str) -> None:
    at = spanish_plan()
    at.button(key="plan_solve").click().run()
    at.button(key="plan_sweep_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button(key="plan_sweep_run").label == "Ejecutar el barrido del presupuesto"
    assert any(c.value.startswith("Vuelve a resolver este plan") for c in at.caption)
    assert any("La curva" in m.value for m in at.markdown)
    assert set(at.dataframe[-1].value["status"]) == {"óptimo"}


def test_switching_language_rewrites_the_solved_plan(app_db: str) -> None:
    # Solved in Spanish, then read in English: the cached Spanish result is not reused.
    at = spanish_plan()
    at.button(key="plan_solve").click().run()
    assert at.success[0].value.startswith("Con US\\$5,0 M")
    # What the sidebar picker does (AppTest does not redraw the sidebar after a page switch).
    at.session_state["i18n_locale"] = "en_US"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value.startswith("With US\\$5.0 M over 4 years:")
    state = at.session_state[STATE_KEY]
    assert isinstance(state, PlanState) and state.solved_lang == "en_US"
    assert at.subheader[0].value == "Result"


def test_a_relaxation_reads_in_spanish(app_db: str) -> None:
    at = spanish_plan()
    at.multiselect(key="plan_committed").select("C-01").run()
    at.slider(key="plan_lagging").set_value(100).run()
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "el plan no se puede resolver" in at.error[0].value
    assert any(m.value.startswith("**Reglas por flexibilizar**") for m in at.markdown)
    assert at.button(key="plan_relax_0").label == "Aplicar esta flexibilización"


def test_a_brazilian_reader_gets_portuguese(app_db: str) -> None:
    at = spanish_plan("pt-BR")
    assert at.button(key="plan_solve").label == "Resolver"
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value.startswith("Com US\\$5,0 M em 4 anos: ")
    assert "Dinheiro público alocado" in {m.label for m in at.metric}
