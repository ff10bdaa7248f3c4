"""Uncertainty and Scenarios in Spanish (issue 15): the uncertainty sentences, the
``fomento uncertainty`` report, tornado and EVPPI labels and input errors under
``using("es", "es_CO")`` (Colombian figures: US$1.234.567), worker processes that write in
the caller's language, the scenario store's refusals, and both pages in AppTest for a
Colombian browser. English stays as it was (tests/test_uncertainty*.py,
test_page_uncertainty.py, test_page_scenarios.py)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from model.accounts.auth import LOCAL_USER
from model.allocator.scenario import load_scenario
from model.cli import main
from model.formatting.i18n import using
from model.planning.inputs import DEMO_SCENARIO
from model.store import db
from model.store.scenarios import list_scenarios, save_scenario
from model.store.seed import BASELINE_NAME
from model.uncertainty.drawsolve import NoPlan
from model.uncertainty.parallel import run_draws
from model.uncertainty.planrisk import PlanRisk, plan_from_json, plan_risk
from model.uncertainty.report import (
    COVERS,
    amount,
    central_sentence,
    evpi_sentence,
    group_sentence,
    print_report,
)
from model.uncertainty.sampling import CostRange, DrawSpec, central_samples
from model.uncertainty.tornado import tornado
from model.uncertainty.voi import ValueOfInformation, value_of_information
from tests.test_pages import open_page

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT_S = 90
INFEASIBLE = ROOT / "data" / "scenarios" / "infeasible.json"
DRAWS = 20
# es_CO groups thousands with a point: "US$4.565.920", never "US$4,565,920".
CO_MONEY = re.compile(r"US\$\d{1,3}(\.\d{3})+")
EN_MONEY = re.compile(r"US\$\d{1,3}(,\d{3})+")


@pytest.fixture(scope="module")
def demo_voi() -> tuple[PlanRisk, ValueOfInformation]:
    demo = load_scenario(DEMO_SCENARIO)
    spec = DrawSpec(DRAWS, seed=3)
    return plan_risk(demo, spec), value_of_information(demo, spec, "serial")


def test_amounts_and_value_of_information_sentences_in_spanish(
    demo_voi: tuple[PlanRisk, ValueOfInformation],
) -> None:
    risk, voi = demo_voi
    with using("es", "es_CO"):
        assert amount("benefit", 1234567) == "US$1.234.567"
        assert amount("enterprises", 1830) == "1.830 empresas"
        assert amount("jobs", 2500) == "2.500 empleos"
        assert COVERS["instrument"] == "los rendimientos de un instrumento"
        evpi = evpi_sentence(voi)
        central = central_sentence(risk)
        # Group labels are written when the analysis runs, in the language active then.
        voi_es = value_of_information(load_scenario(DEMO_SCENARIO), DrawSpec(DRAWS, 3), "serial")
        groups = [group_sentence(g, "benefit") for g in voi_es.groups]
    assert evpi.startswith("La información perfecta sobre todos los rendimientos vale US$")
    assert "un error estándar" in evpi and CO_MONEY.search(evpi) and not EN_MONEY.search(evpi)
    assert central.startswith("Con los rendimientos centrales declarados este plan obtiene US$")
    assert f"la media de estas {DRAWS} simulaciones" in central
    assert any(
        "los rendimientos de las donaciones de contrapartida vale hasta" in g for g in groups
    )
    assert all(g.startswith("Una evaluación de impacto de ") for g in groups)
    # English unchanged.
    assert amount("enterprises", 1830) == "1,830 enterprises"
    assert evpi_sentence(voi).startswith("Perfect information on every return is worth US$")


def test_the_text_report_in_spanish_has_colombian_figures(
    demo_voi: tuple[PlanRisk, ValueOfInformation],
) -> None:
    from model.uncertainty.montecarlo import run_monte_carlo

    risk, voi = demo_voi
    demo = load_scenario(DEMO_SCENARIO)
    with using("es", "es_CO"):
        mc = run_monte_carlo(demo, DrawSpec(DRAWS, seed=3), "serial")
        out = io.StringIO()
        print_report(out, mc, risk=risk, voi=voi)
    text = out.getvalue()
    assert text.startswith("Escenario: ")
    assert f"{DRAWS} simulaciones (triangular, semilla 3; costos fijos)" in text
    assert "El riesgo propio del plan (" in text and "Beneficio (US$)" in text
    assert "Qué evaluación vale más (EVPPI, en orden):" in text
    assert "Si los rendimientos se conocieran antes de decidir" in text
    assert "Óptimo (beneficio): media " in text
    assert re.search(r"media \d{1,3}(\.\d{3})+  P10", text)  # 53.571.189, not 53,571,189
    assert "draws" not in text and "Probability" not in text


def test_fomento_uncertainty_lang_es_prints_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["uncertainty", str(DEMO_SCENARIO), "--draws", "15", "--seed", "2", "--no-voi",
            "--cvar", "0.2", "--tornado", "3", "--executor", "serial"]  # fmt: skip
    assert main([*args, "--lang", "es"]) == 0
    es = capsys.readouterr().out
    assert "15 simulaciones (triangular, semilla 2; costos fijos)" in es
    assert "Plan robusto (CVaR, peor 20% de 15 muestras):" in es
    assert "Sensibilidad (óptimo " in es and "rendimientos de " in es
    assert "extremo bajo de sus rangos" in es
    assert "Probabilidad de recibir financiamiento (las menos seguras primero):" in es
    assert main(args) == 0  # English as before
    en = capsys.readouterr().out
    assert "15 draws (triangular, seed 2; costs fixed)" in en
    assert "Robust plan (CVaR, worst 20% of 15 samples):" in en
    assert "low end of its ranges" in en and "simulaciones" not in en


def test_fomento_uncertainty_errors_in_spanish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"scale": {"G-01": 2}}', encoding="utf-8")
    args = ["uncertainty", str(DEMO_SCENARIO), "--draws", "5", "--plan", str(plan)]
    assert main([*args, "--lang", "es"]) == 2
    assert "plan.scale[G-01]: 2.0 está fuera de 0-1" in capsys.readouterr().err
    assert main(args) == 2
    assert "plan.scale[G-01]: 2.0 is outside 0-1" in capsys.readouterr().err
    assert main(["uncertainty", str(INFEASIBLE), "--draws", "5", "--lang", "es"]) == 1
    assert "corríjalo en la página Plan antes de evaluar su riesgo" in capsys.readouterr().err


def test_input_errors_and_labels_in_spanish() -> None:
    demo = load_scenario(DEMO_SCENARIO)
    with using("es", "es_CO"):
        with pytest.raises(ValueError, match=r"draws: 0 está fuera de 1-"):
            DrawSpec(0)
        with pytest.raises(ValueError, match=r"cost_range: se requiere low <= mode <= high"):
            CostRange(1.2, 1.0, 1.3)
        with pytest.raises(ValueError, match="no es un número"):
            plan_from_json({"scale": {"A": "x"}})
        t = tornado(demo, CostRange(0.9, 1.0, 1.3), executor="serial", top=50)
    inputs = {b.input for b in t.bars}
    assert {"presupuesto", "costos"} <= inputs
    assert any(i.startswith("rendimientos de ") for i in inputs)
    budget = next(b for b in t.bars if b.input == "presupuesto")
    costs = next(b for b in t.bars if b.input == "costos")
    assert (budget.low_label, budget.high_label) == ("-20%", "+20%")
    assert (costs.low_label, costs.high_label) == ("x0,9", "x1,3")  # Colombian decimals


def test_a_worker_process_writes_in_the_callers_language() -> None:
    # The worker raises (no plan); its message is read here, so it must be in Spanish.
    sc = load_scenario(INFEASIBLE)
    samples = central_samples(sc, 4)
    with using("es", "es_CO"), pytest.raises(NoPlan, match="el escenario central no tiene"):
        run_draws(sc, samples, "process", workers=1)
    with pytest.raises(NoPlan, match="the central scenario has no feasible plan"):
        run_draws(sc, samples, "process", workers=1)


@pytest.fixture
def eng(app_db: str) -> Iterator[Engine]:
    e = db.make_engine(app_db)
    yield e
    e.dispose()


def test_scenario_store_refusals_in_spanish(eng: Engine) -> None:
    demo = load_scenario(DEMO_SCENARIO)
    taken = list_scenarios(eng)[0].name
    with using("es", "es_CO"):
        with pytest.raises(ValueError, match="name: dé un nombre al escenario"):
            save_scenario(eng, LOCAL_USER, demo, name="  ")
        with pytest.raises(ValueError, match=f"name: ya existe un escenario llamado '{taken}'"):
            save_scenario(eng, LOCAL_USER, demo, name=taken)
    with pytest.raises(ValueError, match="name: give the scenario a name"):
        save_scenario(eng, LOCAL_USER, demo, name="")


def spanish_page(page: str) -> AppTest:
    return open_page(page, locale="es-CO")


def test_uncertainty_page_reads_in_spanish(app_db: str) -> None:
    at = spanish_page("pages/uncertainty.py")
    assert at.title[0].value == "Incertidumbre"
    source = at.radio(key="uncertainty_source")
    assert source.label == "Escenario" and "Escenario de demostración" in source.options
    assert source.value == "Demo scenario"  # the option itself stays a key
    assert at.radio(key="uncertainty_distribution").options == ["triangular", "uniforme"]
    assert at.number_input(key="uncertainty_draws").label == "Simulaciones"
    assert any("Elija la configuración" in i.value for i in at.info)
    at.number_input(key="uncertainty_draws").set_value(DRAWS)
    at.button(key="uncertainty_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    headers = [h.value for h in at.subheader]
    assert headers[:2] == ["El riesgo propio del plan", "Cuánto vale una mejor evidencia"]
    assert "Si los rendimientos se conocieran antes de decidir (esperar y ver)" in headers
    assert "Plan robusto" in headers and "Frontera de inclusión" in headers
    metrics = {m.label: m.value for m in at.metric}
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", metrics["P10, Beneficio (US$)"])
    assert CO_MONEY.fullmatch(metrics["Valor esperado de la información perfecta (EVPI)"])
    text = " ".join(m.value for m in at.markdown)
    assert "vale hasta" in text and "La información perfecta" in text
    risk = next(d.value for d in at.dataframe if "Resultado" in d.value.columns)
    assert list(risk["Resultado"]) == ["Beneficio (US$)", "Empresas beneficiarias", "Empleos"]
    covers = next(d.value for d in at.dataframe if "Abarca" in d.value.columns)
    assert "Valor máximo: Beneficio (US$)" in covers.columns  # reworded for defect 25
    captions = " ".join(c.value for c in at.caption)
    assert "Escenario de demostración" not in captions  # the scenario's own name is shown
    assert f"simulaciones con un plan factible (de {DRAWS};" in captions
    assert "draws" not in captions
    # The tornado's bars are named in Spanish too.
    at.button(key="uncertainty_tornado_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(b.input == "presupuesto" for b in at.session_state["uncertainty_tornado"].bars)


def test_scenarios_page_reads_in_spanish(eng: Engine) -> None:
    at = spanish_page("pages/scenarios.py")
    assert at.title[0].value == "Escenarios"
    assert [s.value for s in at.subheader] == ["Un escenario", "Comparar"]
    listed = next(d.value for d in at.dataframe if "Versión" in d.value.columns)
    assert {"Nombre", "Notas", "Conjunto de datos", "Objetivo", "Resuelto"} <= set(listed.columns)
    assert list(listed["Objetivo"]) == ["beneficio"]
    labels = [b.label for b in at.download_button]
    assert labels[0] == "Libro de Excel" and "Nota informativa imprimible" in labels
    assert at.button(key="scenarios_duplicate").label == "Duplicar"
    assert any("Elija dos o más escenarios" in i.value for i in at.info)
    # Compare two: the difference table, the chart choice and the tables read in Spanish.
    demo = load_scenario(DEMO_SCENARIO)
    tight = demo.model_copy(update={"budget": demo.budget.model_copy(update={"total": 4e6})})
    other = save_scenario(eng, LOCAL_USER, tight, name="Ajustado")
    at = spanish_page("pages/scenarios.py")
    first = next(s.id for s in list_scenarios(eng) if s.name == BASELINE_NAME)
    at.multiselect(key="scenarios_compare").set_value([first, other.id]).run()
    assert not at.exception, [e.value for e in at.exception]
    chart = at.radio(key="scenarios_chart")
    assert chart.label == "Gráfico" and chart.options[0] == "Qué cambió"
    assert chart.value == "What moved"  # the option itself stays a key
    assert any("**Tabla de diferencias**" in m.value for m in at.markdown)
    assert at.table[0].value.shape[0] > 3
    assert any(e.label.startswith("Restricciones activas (") for e in at.expander)
    at.radio(key="scenarios_chart").set_value("By region").run()
    assert not at.exception, [e.value for e in at.exception]
