"""Words a Spanish (Colombia) reader found wrong (issue 15, play report): rule families
named one way, rows and tables in words, plurals by the count, proposals' statuses in
the feminine, dates in the reader's language, targets lowered to whole firms, the
annuity factor in words and local digits, sentences that stand alone capitalised.
English keeps its text except where the fault was English too (said per test)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from model import DATA_DIR
from model.allocator.api import allocate
from model.allocator.build.lp import FAMILIES
from model.allocator.explain.wording import row_words
from model.allocator.scenario import load_scenario, parse_scenario
from model.costbenefit import compute_programme_metrics
from model.costbenefit.export import Assumptions, metrics_xlsx
from model.formatting.i18n import _, using
from model.planning.brief import title_line
from model.planning.inputs import apply_all
from model.planning.workbook import ScenarioDocument, capital, family_words, workbook
from model.screening.desk import desk_score
from model.screening.rubric import DEFAULT_RUBRIC
from model.screening.tables import FUNDING_COLOURS, badge, proposal_status_words
from model.store.evidence_files import load_csv_dataset
from model.store.importer import ImportRejected, Problem, table_words
from model.store.proposal_files import parse_proposals
from tests.test_pages import open_page

ROOT = Path(__file__).resolve().parent.parent
DEMO = "data/scenarios/demo.json"
TODAY = date(2026, 11, 30)
# The Plan page's expander titles in Spanish: a family is named as its expander begins.
PAGE_TITLES = {
    "budget": "a. Presupuestos: total y por año",
    "candidate_limits": "b. Límites de candidatos y compromisos",
    "subsidy_band": "c. Banda de subsidio: participación pública en el costo de cada candidato",
    "cost_recovery": "d. Recuperación de costos: cobros de los articuladores",
    "matching_grants": "e. Donaciones de contrapartida",
    "broker_capacity": "f. Capacidad de articuladores",
    "policy_mix": "g. Combinación de políticas: instrumentos y regiones rezagadas",
}


def target_scenario() -> Any:
    """Demo, US$4 M with year 1 at US$10,000 and 5,000 enterprises: the target gives way."""
    base = load_scenario(DEMO)
    assert base.budget.per_year is not None
    per_year = (10_000.0, *base.budget.per_year[1:])
    return base.model_copy(
        update={
            "budget": base.budget.model_copy(update={"total": 4e6, "per_year": per_year}),
            "objective": base.objective.model_copy(update={"targets": {"enterprises": 5e3}}),
        }
    )


# --- 12: one Spanish name per rule family ------------------------------------------------


def test_a_family_has_one_spanish_name_the_page_the_workbook_and_relaxations_share() -> None:
    with using("es", "es_CO"):
        for key, title in PAGE_TITLES.items():
            name = _(FAMILIES[key])
            assert title.startswith(name), (name, title)
            assert family_words(key) == name
        assert _(FAMILIES["targets"]) == "Metas del objetivo"
    # English unchanged.
    assert _(FAMILIES["candidate_limits"]) == "b. candidate limits"


# --- 26: a target of enterprises is lowered to a whole number that still solves ---------


def test_a_lowered_enterprise_target_is_whole_in_spanish_and_still_feasible() -> None:
    sc = target_scenario()
    with using("es", "es_CO"):
        r = allocate(sc, "highs", baseline=False, explain=False)
    step = next(s for s in r.relaxation if s.rule == "target[enterprises]")
    value = step.edits[0].value
    assert value == int(value)
    assert "bajar la meta de empresas de 5.000 a " in step.sentence
    assert step.sentence.endswith(f"a {int(value):,}".replace(",", "."))
    with using("es", "es_CO"):
        assert _(step.family) == "Metas del objetivo"
    assert allocate(apply_all(sc, r.relaxation), "highs").status == "optimal"


# --- 13: the greedy baseline names the rule it breaks in words ---------------------------


def test_a_row_in_words_keeps_its_name_in_parentheses() -> None:
    with using("es", "es_CO"):
        assert row_words("target[enterprises]") == "la meta de empresas (target[enterprises])"
    # English changed the same way (it showed the bare row name).
    assert row_words("target[enterprises]") == "the enterprises target (target[enterprises])"


def test_the_greedy_sentence_names_a_broken_rule_in_words() -> None:
    sc = target_scenario()
    r = allocate(sc, "highs", baseline=False, explain=False)
    relaxed = apply_all(sc, r.relaxation)
    with using("es", "es_CO"):
        solved = allocate(relaxed, "highs")
    g = solved.greedy
    assert g is not None
    if g.feasible:
        pytest.skip("the greedy plan keeps every rule here")
    assert "incumple" in g.sentence
    for v in g.violations[:5]:
        assert f"({v})" in g.sentence
    assert "incumple target[" not in g.sentence


# --- 15: tables named in words -------------------------------------------------------------


def test_refusals_name_the_table_in_words_in_spanish_and_by_key_in_english() -> None:
    p = Problem("candidates", 2, "cost_by_year", "x")
    with using("es", "es_CO"):
        assert str(p).startswith("candidatos de planificación, fila 2, columna cost_by_year")
        assert table_words("evidence") == "registros de evidencia"
        assert "rechazado, no se escribió nada (1 problema):" in str(ImportRejected([p]))
        assert "(2 problemas):" in str(ImportRejected([p, p]))
    assert str(p).startswith("candidates, row 2, column cost_by_year")
    assert table_words("candidates") == "candidates"


def test_the_import_table_choice_reads_in_words(app_db: str) -> None:
    at = open_page("pages/data.py", locale="es-CO")
    box = at.selectbox(key="data_import_table")
    shown = list(box.options)  # AppTest lists the options as the reader sees them
    assert "candidatos de planificación" in shown and "candidates" not in shown


# --- 22: plurals by the count ----------------------------------------------------------------


def test_counts_take_their_plural_in_spanish() -> None:
    props = parse_proposals(
        (DATA_DIR / "proposals_example.csv").read_bytes(), "proposals_example.csv"
    )
    with using("es", "es_CO"):
        notes = [d.explanation for p in props for d in desk_score(p).parts]
        with pytest.raises(ValueError, match=r"^sin puntaje para el criterio \w+$"):
            DEFAULT_RUBRIC.weighted({i: 1.0 for i in DEFAULT_RUBRIC.ids[1:]})
    assert not any("(s)" in n or "(es)" in n for n in notes), notes
    assert any("tipos de entidad" in n or "tipo de entidad" in n for n in notes)


# --- 23: a proposal's status agrees with "propuesta" ---------------------------------------


def test_proposal_statuses_are_feminine_in_spanish_and_codes_in_english() -> None:
    with using("es", "es_CO"):
        assert proposal_status_words("funded") == "financiada"
        assert proposal_status_words("partly funded") == "financiada en parte"
        assert proposal_status_words("not funded") == "no financiada"
        assert badge("funded", FUNDING_COLOURS, proposal_status_words) == (
            ":green-badge[financiada]"
        )
        assert _("funded") == "financiado"  # a candidate stays masculine
    assert proposal_status_words("partly funded") == "partly funded"
    assert badge("funded", FUNDING_COLOURS, proposal_status_words) == ":green-badge[funded]"


# --- 7, 18: the Evidence formula and workbook ------------------------------------------------


def test_the_annuity_factor_is_in_words_and_local_digits() -> None:
    data = load_csv_dataset(DATA_DIR)
    with using("es", "es_CO"):
        pms = compute_programme_metrics(data)
    formulas = [m.formula for pm in pms for m in pm.metrics if m.key == "npv_operating_balance"]
    assert formulas
    assert all("factor de anualidad" in f and "annuity" not in f for f in formulas)
    assert any(") x 7,7217 " in f for f in formulas), formulas
    english = compute_programme_metrics(data)
    assert any(
        ") x 7.7217 (assumes" in m.formula
        for pm in english
        for m in pm.metrics
        if m.key == "npv_operating_balance"
    )


def test_the_evidence_workbook_names_its_sheets_in_spanish() -> None:
    pms = compute_programme_metrics(load_csv_dataset(DATA_DIR))
    assume = Assumptions(price_year=2010, discount_rate=0.05, horizon_years=10, deflator_source="t")
    with using("es", "es_CO"):
        data = metrics_xlsx(pms, assume)
    assert load_workbook(io.BytesIO(data)).sheetnames == ["métricas", "fuentes", "supuestos"]
    english = metrics_xlsx(pms, assume)
    assert load_workbook(io.BytesIO(english)).sheetnames == ["metrics", "sources", "assumptions"]


# --- 9, 26: dates in the reader's language; sentences that stand alone ----------------------


@pytest.fixture(scope="module")
def doc() -> ScenarioDocument:
    sc = parse_scenario(json.loads((DATA_DIR / "scenarios" / "demo.json").read_text("utf-8")))
    return ScenarioDocument(
        name="Plan", notes="", dataset="demo", scenario=sc, result=allocate(sc), version=1
    )


def test_the_brief_date_is_written_in_the_readers_language(doc: ScenarioDocument) -> None:
    with using("es", "es_CO"):
        assert "30 de noviembre de 2026" in title_line(doc, TODAY)
    with using("pt", "pt_BR"):
        assert "30 de novembro de 2026" in title_line(doc, TODAY)
    assert "2026-11-30" in title_line(doc, TODAY)  # English unchanged


def test_workbook_meanings_start_with_a_capital(doc: ScenarioDocument) -> None:
    assert capital("bajar la meta") == "Bajar la meta"
    with using("es", "es_CO"):
        data = workbook(doc)
    ws = load_workbook(io.BytesIO(data))["Reglas"]
    header = [c.value for c in ws[1]]
    col = header.index("Significado")
    meanings = [r[col] for r in ws.iter_rows(min_row=2, values_only=True) if r[col]]
    assert meanings and all(str(m)[:1] == str(m)[:1].upper() for m in meanings)


# --- 12, 26 on the page: the relaxations in Spanish -------------------------------------------


def test_the_plan_pages_relaxations_name_families_in_spanish(app_db: str) -> None:
    at = open_page("pages/plan.py", locale="es-CO")
    at.multiselect(key="plan_committed").select("C-01").run()
    at.slider(key="plan_lagging").set_value(100).run()
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    steps = [m.value for m in at.markdown if m.value.startswith("- *")]
    assert steps
    english = {FAMILIES[k] for k in FAMILIES}
    for s in steps:
        family = s[3:].split("*", 1)[0]
        assert family not in english, s
    assert any(s.startswith("- *g. Combinación de políticas*") for s in steps), steps
    labels = [b.label for b in at.button]
    if "plan_relax_all" in [b.key for b in at.button]:
        assert "Aplicar todos los cambios a su alcance y volver a resolver" in labels
