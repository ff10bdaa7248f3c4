"""Screening in Spanish (issue 15): gate reasons, rubric, desk notes, funding reasons,
import and form errors, the CLI and the Proposals page, with Colombian figures.

English must read as before: the English assertions of the other screening tests stay
untouched; here a few are repeated next to their Spanish reading.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from model import DATA_DIR
from model.cli import main
from model.formatting.i18n import _, using
from model.screening.desk import desk_score
from model.screening.forms import FormInvalid, build_proposal, entity_rows, indicator_rows
from model.screening.handover import SCORES_IGNORED, explain_funding, scores_note
from model.screening.proposals import ENTITY_TYPE_LABELS, Proposal
from model.screening.rubric import DEFAULT_RUBRIC, Rubric
from model.screening.rules import ScreeningRules, screen
from model.screening.sensitivity import weight_sensitivity
from model.screening.tables import FUNDING_COLOURS, badge, eligibility_rows
from model.store.handover import plan_dataset_name
from model.store.importer import ImportRejected
from model.store.proposal_files import parse_proposals
from tests.test_pages import open_page

EXAMPLE = DATA_DIR / "proposals_example.csv"
ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/proposals.py"
TIMEOUT_S = 60


def example() -> dict[str, Proposal]:
    return {p.proposal_id: p for p in parse_proposals(EXAMPLE.read_bytes(), EXAMPLE.name)}


def test_gate_reasons_and_fixes_read_in_spanish_with_colombian_figures() -> None:
    ps = example()
    with using("es", "es_CO"):
        few = screen(ps["P-002"])  # two entities, no knowledge institution
        short = screen(ps["P-003"])  # match 0.8 x the request
        dirty = screen(ps["P-004"])  # no environmental declaration
        tiny = screen(ps["P-008"], ScreeningRules(min_amount=150_000))
    assert few.reasons == (
        "presentada por 2 entidades; se requieren al menos 3",
        "no hay institución de conocimiento entre las entidades solicitantes",
    )
    assert few.fixes == (
        "agregue al menos 1 entidad solicitante más (2 registradas, 3 requeridas)",
        "incorpore una institución de conocimiento como socio",
    )
    assert [g.label for g in few.gates][:2] == [
        "Al menos 3 entidades solicitantes",
        "Incluye una empresa y una institución de conocimiento",
    ]
    assert few.gates[0].source == "004 sección V, componente 2, criterio (i)"
    assert short.reasons == (
        "contrapartida US$160.000 (en efectivo US$100.000, en especie US$60.000) equivale "
        "a 0,80 x los US$200.000 solicitados; se requiere al menos 1,00 x",
    )
    assert short.fixes == (
        "aumente la contrapartida comprometida de US$160.000 a US$200.000, o reduzca la "
        "solicitud a como máximo US$160.000",
    )
    assert dirty.reasons == ("no declara sostenibilidad ambiental",)
    assert tiny.reasons == (
        "solicita US$120.000, por debajo del mínimo de esta convocatoria de US$150.000",
    )
    # The same gates in English, as before.
    assert screen(ps["P-002"]).reasons == (
        "submitted by 2 entities; at least 3 are required",
        "no knowledge institution among the submitting entities",
    )
    assert screen(ps["P-003"]).fixes == (
        "raise committed match from US$160,000 to US$200,000, or reduce the request to at "
        "most US$160,000",
    )


def test_mexican_figures_follow_the_number_locale() -> None:
    with using("es", "es_MX"):
        reasons = screen(example()["P-003"]).reasons
    assert "contrapartida US$160,000 (en efectivo US$100,000" in reasons[0]
    assert "0.80 x" in reasons[0]


def test_a_small_request_is_flagged_in_spanish() -> None:
    with using("es", "es_CO"):
        warnings = screen(example()["P-008"]).warnings
    assert warnings == (
        "solicita US$120.000, menos que el menor tamaño de proyecto del FOMIN que describe "
        "la fuente (US$150.000); es elegible, pero verifique que pueda alcanzar sus "
        "indicadores",
    )


def test_desk_notes_rubric_and_sensitivity_in_spanish() -> None:
    p = example()["P-004"]
    with using("es", "es_CO"):
        notes = {d.criterion: d.explanation for d in desk_score(p).parts}
        labels = [ENTITY_TYPE_LABELS[t] for t in ("knowledge_institution", "public_body")]
        criterion = next(c for c in DEFAULT_RUBRIC.criteria if c.id == "cofinancing")
        shown = _(criterion.label)
        profiles = {
            "A": dict.fromkeys(DEFAULT_RUBRIC.ids, 3.0),
            "B": dict.fromkeys(DEFAULT_RUBRIC.ids, 4.0),
        }
        case = weight_sensitivity(DEFAULT_RUBRIC, profiles).cases[1].label
        with pytest.raises(ValueError, match="al menos un criterio necesita una ponderación"):
            Rubric(
                criteria=tuple(c.model_copy(update={"weight": 0}) for c in DEFAULT_RUBRIC.criteria)
            )
    assert notes["inclusion"] == "se dirige a 0 grupos: ninguno"
    assert notes["linkages"] == "2 tipos de entidad: empresa, institución de conocimiento"
    assert notes["indicators"].startswith("horizontes cubiertos: corto plazo;")
    assert notes["cofinancing"].startswith("los socios comprometen el 52")
    assert labels == ["institución de conocimiento", "organismo público"]
    assert shown == "Tasa de cofinanciamiento"
    assert case == "ponderación de innovación +20 %"
    assert criterion.label == "Co-financing share", "the rubric itself stays English"


def test_funding_reasons_and_scores_note_in_spanish() -> None:
    ps = example()
    with using("es", "es_CO"):
        lines = {
            line.proposal_id: line
            for line in explain_funding(
                ps.values(), {"P-001": 400_000, "P-005": 100_000}, scores={"P-001": 3.5}
            )
        }
        note = scores_note(2.5, {"P-006"})
        ignored = scores_note(None, ())
    assert lines["P-001"].status == "funded", "statuses stay codes"
    assert lines["P-001"].reason == "financiada por completo: US$400.000 (puntaje 3,50 de 5)"
    assert lines["P-005"].reason == (
        "financiada con US$100.000 de los US$2.000.000 solicitados: el presupuesto o las "
        "reglas del plan la limitan"
    )
    assert lines["P-002"].reason.startswith("no elegible: presentada por 2 entidades")
    assert "Para ser elegible: agregue al menos 1 entidad" in lines["P-002"].reason
    assert note.startswith("Los puntajes de los evaluadores cuentan a través del umbral de 2,50")
    assert "(P-006)" in note
    assert ignored.startswith("Los puntajes de los evaluadores no entran en la asignación")
    assert scores_note(None, ()) == SCORES_IGNORED


def test_status_badges_and_eligibility_marks_in_spanish() -> None:
    ps = list(example().values())
    with using("es", "es_CO"):
        rows = eligibility_rows(ps, [screen(p) for p in ps])
        shown = badge("partly funded", FUNDING_COLOURS)
        again = badge("financiado en parte", FUNDING_COLOURS)  # given already translated
    assert {r.verdict for r in rows} == {"✓ elegible", "✗ no elegible"}
    assert shown == again == ":orange-badge[financiado en parte]"
    assert badge("partly funded", FUNDING_COLOURS) == ":orange-badge[partly funded]"


def test_import_errors_are_spanish_and_keep_the_files_column_names() -> None:
    bad = (
        "proposal_id,title,region,amount_requested,duration_months,regulatory_compliance,colour\n"
        "P-1,Uno,Norte,250.000,12,quizás,red\n"
        "P-1,Dos,Norte,1000,12,yes,blue\n"
    ).encode()
    with using("es", "es_CO"), pytest.raises(ImportRejected) as info:
        parse_proposals(bad, "propuestas.csv")
    by_column = {(p.row, p.column): p.message for p in info.value.problems}
    assert by_column[(1, "colour")] == "columna desconocida (revise cómo está escrita)"
    assert by_column[(2, "regulatory_compliance")] == ("'quizás' no es sí/no (use true o false)")
    # English, as before.
    with pytest.raises(ImportRejected) as info_en:
        parse_proposals(bad, "proposals.csv")
    messages = {(p.row, p.column): p.message for p in info_en.value.problems}
    assert messages[(1, "colour")] == "unknown column (check its spelling)"


def test_a_duplicate_id_is_named_in_spanish() -> None:
    data = EXAMPLE.read_bytes()
    first = next(line for line in data.decode().splitlines() if line.startswith("P-001,"))
    doubled = data.rstrip(b"\r\n") + b"\n" + first.encode() + b"\n"
    with using("es", "es_CO"), pytest.raises(ImportRejected) as info:
        parse_proposals(doubled, "x.csv")
    assert [p.message for p in info.value.problems] == [
        "id duplicado 'P-001' (aparece primero en la fila 3)"
    ]


def test_form_problems_are_spanish_and_spanish_entity_labels_read_back() -> None:
    with using("es", "es_CO"):
        row = {"name": "firms", "horizon": "mediano plazo", "baseline": 0, "target": 5}
        assert indicator_rows([row])[0]["horizon"] == "medium"
        assert entity_rows([{"name": "UNA", "type": "institución de conocimiento"}]) == [
            {"name": "UNA", "type": "knowledge_institution"}
        ]
        with pytest.raises(FormInvalid) as info:
            build_proposal(
                {
                    "proposal_id": "P-9",
                    "title": "T",
                    "region": "Norte",
                    "amount_requested": 1000,
                    "duration_months": 12,
                },
                [],
                [{"name": "firms", "horizon": "soon", "baseline": 0, "target": 5, "unit": ""}],
            )
    assert {(p.field, p.message) for p in info.value.problems} == {
        ("indicators fila 1 horizon", "elija uno de corto plazo, mediano plazo, largo plazo")
    }
    assert entity_rows([{"name": "UNA", "type": "knowledge institution"}])[0]["type"] == (
        "knowledge_institution"
    )


def test_hand_over_refusals_in_spanish() -> None:
    with using("es", "es_CO"), pytest.raises(ValueError) as info:
        plan_dataset_name("demo+proposals")
    assert str(info.value) == (
        "conjunto de datos base: 'demo+proposals' ya contiene propuestas traspasadas; "
        "elija 'demo' en su lugar"
    )


def test_fomento_screen_prints_spanish_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", str(EXAMPLE), "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "  - por qué no: presentada por 2 entidades; se requieren al menos 3" in out
    assert "  - para corregir: incorpore una institución de conocimiento como socio" in out
    assert "why not" not in out and "submitted by" not in out
    assert "componentes del puntaje de gabinete: cofinanciamiento 5,0, inclusión 5,0" in out
    assert main(["screen", str(EXAMPLE)]) == 0
    english = capsys.readouterr().out
    assert "  - why not: submitted by 2 entities; at least 3 are required" in english
    assert "  - to fix: add a knowledge institution as a partner" in english
    assert "desk parts: cofinancing 5.0, inclusion 5.0, indicators 5.0, linkages 3.0" in english


def test_fomento_lang_env_reaches_the_json_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOMENTO_LANG", "es_MX")
    assert main(["screen", str(EXAMPLE), "--format", "json"]) == 0
    items = {it["proposal_id"]: it for it in json.loads(capsys.readouterr().out)}
    gates = {g["gate"]: g for g in items["P-003"]["gates"]}  # keys and codes stay
    assert gates["match_ratio"]["fix"] == (
        "aumente la contrapartida comprometida de US$160,000 a US$200,000, o reduzca la "
        "solicitud a como máximo US$160,000"
    )
    assert items["P-003"]["eligible"] is False
    assert items["P-003"]["desk_score_label"].startswith("Puntaje de gabinete")


# --- the page ------------------------------------------------------------------------


def spanish_page() -> AppTest:
    return open_page(PAGE, locale="es-CO")


def test_proposals_page_reads_in_spanish(proposals_imported: str) -> None:
    at = spanish_page()
    assert at.title[0].value == "Propuestas"
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Propuestas"], metrics["Elegible"], metrics["No elegible"]) == ("8", "5", "3")
    shown = "\n".join(m.value for m in at.markdown)
    assert "P\\-002: Costa Azul fish processors joint brand** no es elegible" in shown
    assert "**Por qué:**" in shown and "**Qué la haría elegible:**" in shown
    assert "no hay institución de conocimiento entre las entidades solicitantes" in shown
    assert "aumente la contrapartida comprometida de US\\$160.000 a US\\$200.000" in shown
    assert "_(fuente: 004 sección V, componente 2, criterio (i))_" in shown
    assert "Clasificación" in [s.value for s in at.subheader]
    assert any("Aún no hay evaluaciones" in i.value for i in at.info)
    labels = {b.label for b in at.button}
    assert "Enviar las propuestas elegibles a un plan y resolver" in labels
    table = next(d.value for d in at.dataframe if "verdict" in d.value.columns)
    assert set(table["verdict"]) == {"✓ elegible", "✗ no elegible"}, "keys stay, values read"
    assert set(table["status"]) == {"presentada"}, "a stored status in words"
    sliders = {s.label for s in at.slider}
    assert "Tasa de cofinanciamiento" in sliders and "Innovación para la región" in sliders


def test_hand_over_result_reads_in_spanish(proposals_imported: str) -> None:
    at = spanish_page()
    at.button(key="proposals_plan_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(
        s.value.startswith("Resultado de financiamiento: demo+proposals") for s in at.subheader
    )
    lines = next(d.value for d in at.dataframe if "por qué" in d.value.columns)
    lines = lines.set_index("propuesta")
    assert lines.loc["P-002", "estado"] == "no elegible"
    assert lines.loc["P-002", "por qué"].startswith("no elegible: presentada por 2 entidades")
    assert {"Beneficio esperado", "Rendimiento por dólar público"} <= {m.label for m in at.metric}
    assert any("Los puntajes de los evaluadores no entran" in i.value for i in at.info)


def test_pydantics_own_messages_are_translated_too() -> None:
    bad = b"proposal_id,title,region,amount_requested,duration_months\nP-1,,Norte,-5,12\n"
    with using("es", "es_CO"), pytest.raises(ImportRejected) as info:
        parse_proposals(bad, "propuestas.csv")
    by_column = {p.column: p.message for p in info.value.problems}
    assert by_column["title"] == "Campo obligatorio"
    assert by_column["amount_requested"] == "El valor debe ser mayor que 0 (se encontró '-5')"
    with pytest.raises(ImportRejected) as info_en:
        parse_proposals(bad, "proposals.csv")
    english = {p.column: p.message for p in info_en.value.problems}
    assert english["title"] == "Field required"
    assert english["amount_requested"] == "Input should be greater than 0 (found '-5')"


def test_fomento_screen_takes_a_number_locale(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", str(EXAMPLE), "--lang", "es_MX"]) == 0
    out = capsys.readouterr().out
    assert "elegible: sí; solicita US$400,000, contrapartida US$450,000" in out
    assert "puntaje de gabinete 4.60" in out
    assert "equivale a 0.80 x los US$200,000 solicitados" in out


def test_switching_language_writes_the_funding_reasons_again(proposals_imported: str) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.context = {"locale": "en-US"}
    at.run()
    at.switch_page(PAGE)
    at.run()
    at.button(key="proposals_plan_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    english = next(d.value for d in at.dataframe if "why" in d.value.columns)
    assert english.set_index("proposal").loc["P-002", "status"] == "ineligible"
    at.session_state["i18n_locale"] = "es_CO"  # what the sidebar picker sets
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    spanish = next(d.value for d in at.dataframe if "por qué" in d.value.columns)
    spanish = spanish.set_index("propuesta")
    assert spanish.loc["P-002", "por qué"].startswith("no elegible: presentada por 2")
    # The same plan, solved again only for its words: the same money.
    assert list(spanish["financiado (US$)"].str.replace(".", "", regex=False)) == list(
        english["funded (US$)"].str.replace(",", "", regex=False)
    )


def test_call_settings_in_the_wrong_order_are_refused_in_spanish(proposals_imported: str) -> None:
    at = spanish_page()
    at.number_input(key="proposals_call_min").set_value(200_000.0).run()
    at.number_input(key="proposals_call_max").set_value(100_000.0).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        "Parámetros de la convocatoria no aplicados: max_amount 100.000 es inferior a "
        "min_amount 200.000"
    ]
