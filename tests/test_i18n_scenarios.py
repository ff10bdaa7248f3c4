"""Scenario comparison in Spanish (issue 15, play report defects 10, 11, 14, 19): the
comparison tables' headings and units, the binding rules' sentences of a result saved in
English, the demo's default title and file name, Streamlit's English "Select all". English
stays as it was (tests/test_scenario_compare.py, tests/test_page_scenarios.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from model.accounts.auth import LOCAL_USER
from model.allocator.api import allocate
from model.allocator.scenario import Scenario, load_scenario
from model.formatting.i18n import using
from model.planning.charts import metric_records, rule_records
from model.planning.compare import Compared, compare, rule_sentence
from model.planning.demo import DEMO_NAME, scenario_title
from model.planning.inputs import DEMO_SCENARIO
from model.planning.readout import plan_title
from model.planning.workbook import file_stem
from model.store import db
from model.store.scenarios import list_scenarios, save_scenario
from model.store.seed import BASELINE_NAME
from tests.test_i18n_tables import shown
from tests.test_i18n_uncertainty import spanish_page
from tests.test_pages import open_page

DEMO_ES = "Demostración de Solvania: US$5 M en 4 años"


def tight(demo: Scenario) -> Scenario:
    budget = demo.budget.model_copy(update={"total": 4e6, "per_year": (1e6,) * 4})
    return demo.model_copy(update={"budget": budget})


@pytest.fixture(scope="module")
def pair() -> tuple[Compared, Compared]:
    """The demo and a tighter budget, both solved (and so worded) in English."""
    demo = load_scenario(DEMO_SCENARIO)
    small = tight(demo)
    return Compared("Demo", demo, allocate(demo)), Compared("Ajustado", small, allocate(small))


def test_difference_table_units_in_the_readers_words(pair: tuple[Compared, Compared]) -> None:
    english = {r["Figure"]: r["Unit"] for r in metric_records(compare(pair))}
    assert english["Objective"] == "US$ of benefit"
    assert english["Return per public dollar"] == "US$ of benefit per US$"
    assert english["Jobs"] == "count" and english["Budget available"] == "US$"
    with using("es", "es_CO"):
        rows = {r["Figure"]: r for r in metric_records(compare(pair))}
    assert rows["Objetivo"]["Unit"] == "US$ de beneficio"
    assert rows["Rendimiento por dólar público"]["Unit"] == "US$ de beneficio por US$"
    assert rows["Empleos"]["Unit"] == "cantidad" and rows["Presupuesto disponible"]["Unit"] == "US$"
    assert rows["Presupuesto disponible"]["Δ Ajustado"] == "-1.000.000"  # Colombian figures


def test_rule_sentences_of_an_english_result_read_in_spanish(
    pair: tuple[Compared, Compared],
) -> None:
    stored = {c.name: c.sentence for c in pair[0].result.constraints}
    english = compare(pair).rules
    assert english and all(r.sentence == stored[r.name] for r in english if r.binding[0])
    with using("es", "es_CO"):
        spanish = compare(pair)
        records = rule_records(spanish)
    budget = next(r for r in spanish.rules if r.name == "budget_year[1]")
    assert budget.sentence.startswith("un US$1 adicional en el presupuesto del año 1")
    assert "one more" not in budget.sentence
    assert not any(r.sentence.startswith(("one more", "raising")) for r in spanish.rules)
    assert records[0]["Meaning"] == spanish.rules[0].sentence  # keys stay, the page words them


def test_rule_sentence_falls_back_to_the_stored_text(pair: tuple[Compared, Compared]) -> None:
    result = pair[0].result
    report = next(c for c in result.constraints if c.binding and c.shadow_price)
    unknown = dataclasses.replace(result, objective_kind="future_kind")
    with using("es", "es_CO"):
        assert rule_sentence(report, unknown) == report.sentence  # cannot re-word: as stored
        assert rule_sentence(report, result) != report.sentence


def test_demo_title_and_file_name_in_the_readers_language() -> None:
    demo = load_scenario(DEMO_SCENARIO)
    assert demo.name == DEMO_NAME  # the file keeps its English name
    assert plan_title(demo, demo) == DEMO_NAME
    with using("es", "es_CO"):
        assert plan_title(demo, demo) == DEMO_ES
        edited = plan_title(tight(demo), demo)
        assert edited.startswith(DEMO_ES) and edited != DEMO_ES
        assert scenario_title("Mi plan") == "Mi plan"  # a user's name stays as typed
        mine = demo.model_copy(update={"name": "Plan de 4 millones"})
        assert plan_title(mine, demo) == "Plan de 4 millones"
    assert file_stem(DEMO_ES) == "fomento-scenario-demostracion-de-solvania-us-5-m-en-4-anos"
    assert file_stem("Demo baseline") == "fomento-scenario-demo-baseline"


@pytest.fixture
def eng(app_db: str) -> Iterator[Engine]:
    e = db.make_engine(app_db)
    yield e
    e.dispose()


def frame(at: AppTest, column: str) -> pd.DataFrame:
    found: pd.DataFrame = next(d.value for d in at.dataframe if column in d.value.columns)
    return found


def test_scenarios_compare_tables_read_in_spanish(eng: Engine) -> None:
    # 'Ajustado' is saved without a result: solved on the page, in the reader's language.
    other = save_scenario(eng, LOCAL_USER, tight(load_scenario(DEMO_SCENARIO)), name="Ajustado")
    at = spanish_page("pages/scenarios.py")
    first = next(s.id for s in list_scenarios(eng) if s.name == BASELINE_NAME)
    picker = at.multiselect(key="scenarios_compare")
    assert picker.proto.select_all == 0  # Streamlit's own "Select all" is English only: hidden
    picker.set_value([first, other.id]).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.table[0].value
    assert table.index.name == "Cifra"
    assert list(table.columns) == ["Unidad", BASELINE_NAME, "Ajustado", "Δ Ajustado"]
    assert table.loc["Empleos", "Unidad"] == "cantidad"
    assert table.loc["Rendimiento por dólar público", "Unidad"] == "US$ de beneficio por US$"
    assert table.loc["Objetivo", "Unidad"] == "US$ de beneficio"
    funding = frame(at, "Candidato")
    assert list(funding.columns[:4]) == ["Candidato", "Nombre", "Tipo", "Región"]
    # Its money in the reader's locale (the sidebar's), not the browser's: "39.260".
    table_el = next(t for t in at.dataframe if "Candidato" in t.value.columns)
    text = shown(table_el)[BASELINE_NAME]
    big = [t for t in text if len(t) > 4]
    assert big and all("." in t and "," not in t for t in big), big
    rules = frame(at, "Significado")
    assert list(rules.columns[:2]) == ["Regla", "Familia"]
    # Demo baseline was seeded (solved and worded) in English: its sentences are re-worded.
    meanings = list(rules["Significado"])
    assert any(m.startswith("un US$1 adicional en el presupuesto") for m in meanings)
    assert not any(m.startswith(("one more", "raising")) for m in meanings)


def test_scenarios_compare_tables_stay_english(eng: Engine) -> None:
    other = save_scenario(eng, LOCAL_USER, tight(load_scenario(DEMO_SCENARIO)), name="Tight")
    at = open_page("pages/scenarios.py")
    first = next(s.id for s in list_scenarios(eng) if s.name == BASELINE_NAME)
    at.multiselect(key="scenarios_compare").set_value([first, other.id]).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.table[0].value
    assert table.index.name == "Figure" and table.loc["Jobs", "Unit"] == "count"
    assert list(frame(at, "Candidate").columns[:4]) == ["Candidate", "Name", "Kind", "Region"]
    rules = frame(at, "Meaning")
    assert list(rules.columns[:2]) == ["Rule", "Family"]
    assert any(m.startswith("one more US$1 in the year-1 budget") for m in rules["Meaning"])
