"""The allocator in Spanish (issue 15): every sentence it writes (shadow prices, binding
rules, unfunded reasons, relaxations, the greedy baseline, the unallocated budget, scenario
validation errors, the ``fomento allocate`` table) reads in Spanish under
``using("es", "es_CO")``, with the same figures written the Colombian way (1.234,5), and
in English exactly as before.

The generated scenarios run the same plan in both languages and compare sentence by
sentence: the same rows and candidates get a sentence in each, every figure of the
English sentence appears in the Spanish one (separators swapped), and no English
template word is left in the Spanish.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from model import DATA_DIR
from model.allocator import allocate
from model.allocator.explain.wording import (
    MONEY_RULES,
    amount,
    describe,
    money,
    money_row_sentence,
    pct,
    shadow_sentence,
)
from model.allocator.result import AllocationResult
from model.allocator.scenario import Scenario, load_scenario, parse_scenario
from model.cli import main
from model.formatting.i18n import using
from tests.allocator_fixtures import cand, scenario
from tests.profiles import examples

SCENARIOS = DATA_DIR / "scenarios"
DEMO = SCENARIOS / "demo.json"
INFEASIBLE = SCENARIOS / "infeasible.json"
PROPS = settings(
    max_examples=examples(10),
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Words of the English templates that no Spanish sentence may hold (names and ids are
# taken out first: a region may be called "North", a row "budget_year[1]").
ENGLISH = re.compile(
    r"\b(the|is not funded|budget|would|one more|adds|takes away|saves|of benefit|floor|"
    r"ceiling|binds|binding|room|raise|lower|funding|share|plan year|per public dollar|"
    r"re-solved|target|and|with|its)\b"
)
# A figure as Python and Babel write it in English: 1,234,567.89 / 2.3 / 0.5.
FIGURE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _es_co(figure: str) -> str:
    """An English figure as es_CO writes it: "1,234.5" -> "1.234,5"."""
    return figure.translate(str.maketrans(",.", ".,"))


def _strip(text: str, names: list[str]) -> str:
    """``text`` without the identifiers it quotes (longest first)."""
    for n in sorted(names, key=len, reverse=True):
        text = text.replace(n, " ")
    return text


def _same_figures(en: str, es: str, names: list[str]) -> None:
    """Every figure of the English sentence is in the Spanish one, written es_CO."""
    en_s, es_s = _strip(en, names), _strip(es, names)
    for fig in FIGURE.findall(en_s):
        assert _es_co(fig) in es_s, f"{fig!r} ({_es_co(fig)!r}) missing from {es!r} (en: {en!r})"


def _spanish(es: str, en: str, names: list[str]) -> None:
    assert es and es != en, (es, en)
    left = ENGLISH.findall(_strip(es, names))
    assert not left, f"English words {left} in {es!r}"


def _names(sc: Scenario, r: AllocationResult) -> list[str]:
    out = [c.id for c in sc.candidates] + [x.name for x in sc.regions]
    out += [s.name for s in sc.rules.policy_mix.sources]
    out += [c.name for c in r.constraints] + [s.rule for s in r.relaxation]
    return out


def _both(sc: Scenario, solver: str = "highs") -> tuple[AllocationResult, AllocationResult]:
    en = allocate(sc, solver)
    with using("es", "es_CO"):
        es = allocate(sc, solver)
    return en, es


def _compare(sc: Scenario, en: AllocationResult, es: AllocationResult) -> None:
    """Sentence by sentence: the same rows, candidates and steps; Spanish; same figures."""
    assert es.status == en.status
    names = _names(sc, en)
    assert [c.name for c in es.constraints] == [c.name for c in en.constraints]
    for a, b in zip(en.constraints, es.constraints, strict=True):
        assert bool(a.sentence) == bool(b.sentence), a.name
        if a.sentence:
            _spanish(b.sentence, a.sentence, names)
            assert f"({a.name})" in b.sentence, b.sentence
            _same_figures(a.sentence, b.sentence, names)
    assert [u.candidate for u in es.unfunded_written] == [u.candidate for u in en.unfunded_written]
    for u, v in zip(en.unfunded_written, es.unfunded_written, strict=True):
        assert v.sentence.startswith(f"{u.candidate} no recibe financiamiento: "), v.sentence
        _spanish(v.sentence, u.sentence, names)
        _spanish(v.reason, u.reason, names)
        _same_figures(u.sentence, v.sentence, names)
        # The numbers behind the words do not depend on the language.
        assert (v.return_rise, v.cost_fall, v.method) == (u.return_rise, u.cost_fall, u.method)
    assert [s.rule for s in es.relaxation] == [s.rule for s in en.relaxation]
    for s, t in zip(en.relaxation, es.relaxation, strict=True):
        _spanish(t.sentence, s.sentence, names)
        _same_figures(s.sentence, t.sentence, names)
        assert t.edits == s.edits  # the edits a button applies are the same
    if en.relaxation_note:
        _spanish(es.relaxation_note, en.relaxation_note, names)
    if en.unallocated_sentence:
        _spanish(es.unallocated_sentence, en.unallocated_sentence, names)
        _same_figures(en.unallocated_sentence, es.unallocated_sentence, names)
    if en.greedy is not None:
        assert es.greedy is not None
        _spanish(es.greedy.sentence, en.greedy.sentence, names)
        _same_figures(en.greedy.sentence, es.greedy.sentence, names)
    if en.duals_note:
        _spanish(es.duals_note, en.duals_note, names)


@st.composite
def rich_scenarios(draw: st.DrawFn) -> Scenario:
    """Small scenarios with most row families switched on (budgets, candidate limits,
    shares, sources, fees, targets), sometimes infeasible, for every objective kind."""
    h = draw(st.integers(2, 3))
    n = draw(st.integers(3, 6))
    cands: list[dict[str, Any]] = []
    for i in range(n):
        kind = draw(st.sampled_from(["matching_grant", "cluster_initiative", "broker_programme"]))
        cost = [float(draw(st.integers(2, 40)) * 1000) for _y in range(h)]
        extra: dict[str, Any] = {
            "enterprises": float(draw(st.integers(0, 400))),
            "jobs": float(draw(st.integers(0, 300))),
        }
        if kind == "matching_grant":
            extra["partner_match"] = float(sum(cost) * draw(st.sampled_from([0.3, 0.5])))
        elif kind == "broker_programme":
            extra["networks_served"] = float(draw(st.integers(1, 3)))
            extra["fee_schedule"] = [0.0, draw(st.sampled_from([0.0, 0.1]))]
        else:
            extra["networks_needed"] = float(draw(st.integers(0, 2)))
        cands.append(
            cand(
                f"K{i}",
                cost,
                draw(st.sampled_from([1.5, 3.0, 5.0])) * sum(cost),
                kind=kind,
                floor=draw(st.sampled_from([0.2, 0.4])),
                ceiling=draw(st.sampled_from([0.8, 1.0])),
                region=draw(st.sampled_from(["N", "S"])),
                **extra,
            )
        )
    need = sum(sum(c["cost_by_year"]) for c in cands)
    per_year = [float(round(need * draw(st.sampled_from([0.1, 0.2, 0.4])) / h)) for _y in range(h)]
    budget: dict[str, Any] = {"per_year": per_year}
    if draw(st.booleans()):
        budget["total"] = float(round(sum(per_year) * 0.9))
    limits: dict[str, Any] = {}
    if draw(st.booleans()):
        limits["min_funding"] = {"K0": float(draw(st.sampled_from([1000, 50000])))}
        limits["max_funding"] = {"K1": 5000.0}
    if draw(st.booleans()):
        limits["mandatory"] = {"K2": draw(st.sampled_from([0.5, 1.0]))}
    if draw(st.booleans()):
        limits["go_no_go"] = {"K0": 0.6}
    rules: dict[str, Any] = {
        "candidate_limits": limits,
        "broker_capacity": {"existing_networks": float(draw(st.integers(0, 2)))},
        "subsidy_band": {"max_average_public_share": draw(st.sampled_from([None, 0.5]))},
        "cost_recovery": {"min_fee_revenue": float(draw(st.sampled_from([0, 500])))},
    }
    mix: dict[str, Any] = {}
    if draw(st.booleans()):
        mix["kind_shares"] = {"matching_grant": {"max": 0.4}, "cluster_initiative": {"min": 0.2}}
    if draw(st.booleans()):
        mix["region_shares"] = {"N": {"max": draw(st.sampled_from([0.5, 0.7]))}}
        mix["lagging_min_share"] = draw(st.sampled_from([0.3, 0.9]))
    if draw(st.booleans()):
        mix["sources"] = [
            {
                "name": "donor",
                "amount": float(round(sum(per_year) * 0.3)),
                "allowed_kinds": ["matching_grant"],
                "share": {"min": 0.1},
            },
            {"name": "ministry", "amount": float(round(sum(per_year) * 0.8))},
        ]
    if mix:
        rules["policy_mix"] = mix
    kind = draw(st.sampled_from(["benefit", "enterprises", "jobs", "weighted", "min_cost"]))
    objective: dict[str, Any] = {"kind": kind}
    if kind == "weighted":
        objective["weights"] = {"benefit": 1.0, "jobs": 5000.0}
    if kind == "min_cost" or draw(st.booleans()):
        objective["targets"] = {"enterprises": float(draw(st.sampled_from([50, 300])))}
    return scenario(cands, horizon=h, budget=budget, rules=rules, objective=objective)


@PROPS
@given(sc=rich_scenarios())
def test_generated_scenarios_read_in_spanish_with_the_same_figures(sc: Scenario) -> None:
    en, es = _both(sc)
    _compare(sc, en, es)
    # English is back once the block ends: the same sentences as before it.
    again = allocate(sc, "highs")
    assert [c.sentence for c in again.constraints] == [c.sentence for c in en.constraints]
    assert [u.sentence for u in again.unfunded_written] == [u.sentence for u in en.unfunded_written]


@pytest.mark.parametrize("path", [DEMO, SCENARIOS / "hand.json", INFEASIBLE], ids=lambda p: p.stem)
def test_shipped_scenarios_read_in_spanish(path: Path) -> None:
    sc = load_scenario(path)
    en, es = _both(sc)
    _compare(sc, en, es)


def test_demo_sentences_in_spanish_word_for_word() -> None:
    with using("es", "es_CO"):
        r = allocate(load_scenario(DEMO), "highs")
    budget = r.constraint("budget_year[1]")
    assert budget.sentence.startswith(
        "un US$1 adicional en el presupuesto del año 1 (budget_year[1]) agrega US$6,00 de "
        "beneficio (para los próximos US$79.446 adicionales); un US$ menos resta US$6,00 de "
        "beneficio"
    ), budget.sentence
    floor = r.constraint("subsidy_floor[C-01,1]")
    assert floor.sentence == (
        "subir el piso de participación pública de C-01 en el año 1 (subsidy_floor[C-01,1]) "
        "en un punto porcentual (US$2.647 con el plan actual) resta US$15.882 de beneficio "
        "(un precio local en este plan)."
    )
    why = {u.candidate: u.sentence for u in r.unfunded_written}
    assert why["G-04"] == (
        "G-04 no recibe financiamiento: no superó la evaluación de elegibilidad (regla e)."
    )
    assert why["G-06"].startswith(
        "G-06 no recibe financiamiento: otros candidatos rinden más por dólar público bajo las "
        "restricciones activas; rinde US$4,40 de beneficio por dólar público; su rendimiento "
        "por dólar tendría que subir un 2,3 % (hasta US$4,50 de beneficio)"
    ), why["G-06"]
    assert r.unallocated_sentence == (
        "Quedan sin asignar US$434.080 del presupuesto de US$5.000.000."
    )
    assert r.greedy is not None
    assert r.greedy.sentence.startswith("La línea de base voraz (financiar por rendimiento")
    assert "20,0 %" in r.greedy.sentence


def test_infeasible_relaxation_in_spanish() -> None:
    with using("es", "es_CO"):
        r = allocate(load_scenario(INFEASIBLE), "highs")
    steps = [s.sentence for s in r.relaxation]
    assert steps == [
        "subir el presupuesto del año 1 en US$20.000 (de US$100.000 a US$120.000)",
        "bajar el piso de Altiplano de 60 % a 54,5 % del financiamiento público",
    ]


def test_mexican_numbers_keep_the_point() -> None:
    """es_MX writes 1,234.5: the sentences are Spanish, the separators Mexican."""
    with using("es", "es_MX"):
        r = allocate(load_scenario(DEMO), "highs")
    assert r.unallocated_sentence == (
        "Quedan sin asignar US$434,080 del presupuesto de US$5,000,000."
    )
    assert "2.3 %" in {u.candidate: u.sentence for u in r.unfunded_written}["G-06"]


def test_every_row_kind_is_described_in_spanish() -> None:
    rows = {
        "budget_total": "el presupuesto total",
        "budget_year[2]": "el presupuesto del año 2",
        "candidate_min[C-1]": "el financiamiento mínimo de C-1",
        "candidate_max[C-1]": "el financiamiento máximo de C-1",
        "locked[C-1,2]": "el monto fijado para C-1 en el año 2",
        "mandatory[C-1]": "la escala obligatoria de C-1",
        "go_no_go_min[C-1]": "el tamaño mínimo viable de C-1",
        "subsidy_floor[C-1,3]": "el piso de participación pública de C-1 en el año 3",
        "subsidy_ceiling[C-1,3]": "el techo de participación pública de C-1 en el año 3",
        "partner_limit[C-1]": "el límite de contrapartida de C-1",
        "average_public_share": "el techo de la participación pública promedio",
        "cost_recovery[B-1,1]": "el límite de recuperación de costos de B-1 en el año 1",
        "fee_revenue_min": "el ingreso mínimo por cobros",
        "eligible[G-1]": "la elegibilidad de G-1",
        "kind_floor[matching_grant]": "el piso de donación de contrapartida",
        "kind_ceiling[cluster_initiative]": "el techo de iniciativa de clúster",
        "region_floor[Río, Sur]": "el piso de Río, Sur",
        "lagging_floor": "el piso de equidad de las regiones rezagadas",
        "source_amount[donor]": "el monto de la fuente donor",
        "source_floor[donor]": "el piso de participación de la fuente donor",
        "target[enterprises]": "la meta de empresas",
        "target[jobs]": "la meta de empleos",
    }
    with using("es", "es_CO"):
        for name, words in rows.items():
            assert describe(name)[0] == words, name
        assert describe("broker_capacity")[1] == "red"
        assert describe("mandatory[C-1]")[1] == "unidad de escala (escala completa)"
    # English as before.
    assert describe("kind_floor[matching_grant]") == ("the matching grant floor", "US$1")
    assert describe("target[enterprises]") == ("the enterprises target", "unit")
    assert describe("broker_capacity") == ("broker capacity", "network")


def test_sentence_pieces_in_spanish_and_english() -> None:
    with using("es", "es_CO"):
        assert money(1234567.0) == "US$1.234.567"
        assert money(0.35) == "US$0,35"
        assert pct(0.023) == "2,3 %"
        assert pct(0.6) == "60 %"
        assert amount("benefit", 6.0) == "US$6,00 de beneficio"
        assert amount("jobs", 1234.0) == "1.234 empleos"
        assert amount("min_cost", 10.0) == "US$10,00 de costo público"
        text = shadow_sentence("region_floor[N]", "benefit", 0.0, 12345.5, False)
        assert (
            text
            == "el piso de N (region_floor[N]) no limita el plan: queda un margen de US$12.346."
        )
        text = shadow_sentence("broker_capacity", "jobs", 0.0, 1234.5, False)
        assert text.endswith("queda un margen de 1.234.")
        text = money_row_sentence(
            "budget_total", "min_cost", 0.0, (None, None, False, False), (-2.5, 1000.0, True, True)
        )
        assert text == (
            "un US$1 adicional en el presupuesto total (budget_total) no deja ningún plan "
            "factible; un US$ menos agrega US$2,50 de costo público (al menos para los próximos "
            "US$1.000 de reducción), y más allá de eso ningún plan cumple las reglas."
        )
    assert pct(0.023) == "2.3 %"
    assert amount("benefit", 6.0) == "US$6.00 of benefit"
    assert shadow_sentence("region_floor[N]", "benefit", 0.0, 12345.5, False) == (
        "the N floor (region_floor[N]) is not binding: US$12,346 of room is left."
    )
    assert "region_floor" in MONEY_RULES


def test_scenario_errors_in_spanish(tmp_path: Path) -> None:
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    data["rules"]["policy_mix"]["region_shares"] = {"Nowhere": {"min": 0.1}}
    with using("es", "es_CO"), pytest.raises(ValueError) as err:
        parse_scenario(data)
    assert "escenario no válido:" in str(err.value)
    assert "región desconocida 'Nowhere'" in str(err.value)
    with pytest.raises(ValueError, match="unknown region 'Nowhere'"):
        parse_scenario(data)  # English as before
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with using("es", "es_CO"), pytest.raises(ValueError, match="no es JSON"):
        load_scenario(bad)


def test_cli_table_in_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocate", str(DEMO), "--lang", "es"]) == 0
    out = capsys.readouterr().out
    for words in (
        "Escenario: Solvania demo",
        "Objetivo (beneficio): 47.162.745,00",
        "Financiamiento público: US$4.565.920.  Quedan sin asignar US$434.080",
        "Rendimiento por dólar público: US$10,33 de beneficio",
        "Financiamiento por candidato (US$ por año del plan):",
        "escala 100,0%",
        "Restricciones activas:",
        "reglas más por candidato (vea --format json)",
        "Sin financiamiento:",
        "La línea de base voraz",
        "En resumen: ",
    ):
        assert words in out, words
    for english in ("Binding rules", "Not funded", "Public funding", "is not funded", " the "):
        assert english not in out, english


def test_cli_table_in_english_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocate", str(DEMO)]) == 0
    out = capsys.readouterr().out
    for words in (
        "Objective (benefit): 47,162,745.00",
        "Public funding: US$4,565,920.  US$434,080 of the US$5,000,000 budget is left",
        "Return per public dollar: US$10.33 of benefit",
        "  C-01             scale 100.0%        52,940",
        "\nBinding rules:\n",
        "  ... and 72 more per-candidate rules (see --format json)\n",
        "\nNot funded:\n",
        "\nIn short: With US$5.0 M over 4 years",
    ):
        assert words in out, words


def test_cli_infeasible_in_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocate", str(INFEASIBLE), "--lang", "es"]) == 1
    out = capsys.readouterr().out
    assert "No hay ningún plan factible." in out
    assert "Para que sea factible, flexibilice estas reglas:" in out
    assert "[budget_year[1], a. Presupuestos; planificador]" in out


def test_pydantic_messages_in_spanish_and_as_before_in_english() -> None:
    data = json.loads((SCENARIOS / "hand.json").read_text(encoding="utf-8"))
    data["horizon_years"] = 0
    data["extra"] = 1
    del data["candidates"][0]["kind"]
    data["candidates"][1]["kind"] = "x"
    with using("es", "es_CO"), pytest.raises(ValueError) as es:
        parse_scenario(data)
    for words in (
        "horizon_years: El valor debe ser mayor o igual que 1",
        "candidates[0].kind: Campo obligatorio",
        "candidates[1].kind: El valor debe ser uno de: 'cluster_initiative', "
        "'broker_programme', 'matching_grant'",
        "extra: No se admiten campos adicionales",
    ):
        assert words in str(es.value), str(es.value)
    with pytest.raises(ValueError) as en:
        parse_scenario(data)
    for words in (
        "invalid scenario:\n",
        "horizon_years: Input should be greater than or equal to 1",
        "candidates[0].kind: Field required",
        "Input should be 'cluster_initiative', 'broker_programme' or 'matching_grant'",
        "extra: Extra inputs are not permitted",
    ):
        assert words in str(en.value), str(en.value)


def test_relaxation_edit_errors_in_spanish() -> None:
    from model.allocator.explain.edits import apply_edits
    from model.allocator.result import RuleEdit

    sc = load_scenario(SCENARIOS / "hand.json")
    edit = RuleEdit("source_amount", 1.0, key="nobody")
    with using("es", "es_CO"), pytest.raises(ValueError, match="no hay ninguna fuente"):
        apply_edits(sc, [edit])
    with pytest.raises(ValueError, match="no funding source 'nobody'"):
        apply_edits(sc, [edit])


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(
    value=st.one_of(
        st.floats(-1e13, 1e13, allow_nan=False),
        st.floats(-200, 200, allow_nan=False),
        st.integers(-(10**12), 10**12).map(float),
    )
)
def test_sentence_figures_are_babels_in_every_offered_locale(value: float) -> None:
    """``wording.money`` / ``count`` swap the separators of the English fast path: the
    same text as Babel's for every locale the interface offers."""
    from model.allocator.explain.wording import count
    from model.formatting import numbers
    from model.formatting.i18n import NUMBER_LOCALES

    for language, locales in NUMBER_LOCALES.items():
        for locale in locales:
            with using(language, locale):
                assert money(value) == numbers.money(value, cents=None, locale=locale), locale
                assert count(value) == numbers.count(value, locale=locale), locale


def test_candidate_refusals_in_spanish() -> None:
    """The domain's own messages (a candidate's costs and ranges) follow the reader too."""
    data = json.loads((SCENARIOS / "hand.json").read_text(encoding="utf-8"))
    data["candidates"][0]["cost_by_year"][0] = -5.0
    data["candidates"][1]["public_share_floor"] = 0.9
    data["candidates"][1]["public_share_ceiling"] = 0.5
    with using("es", "es_CO"), pytest.raises(ValueError) as es:
        parse_scenario(data)
    assert "el costo del año 1 es negativo (-5.0)" in str(es.value)
    assert "public_share_floor 0.9 es mayor que public_share_ceiling 0.5" in str(es.value)
    with pytest.raises(ValueError) as en:
        parse_scenario(data)
    assert "cost in year 1 is negative (-5.0)" in str(en.value)
    assert "public_share_floor 0.9 is above public_share_ceiling 0.5" in str(en.value)


def test_sentences_written_on_demand_are_spanish_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large model writes most row sentences when a page asks (``report_sentence``):
    in Spanish they are the ones a Spanish solve would have written at once, and the
    same rows read in English where English is active."""
    from bench.allocator import random_scenario
    from model.allocator.explain import reports
    from model.allocator.explain.wording import report_sentence

    sc = random_scenario(150)
    with using("es", "es_CO"):
        lazy = allocate(sc, "highs", baseline=False)
        assert any(c.sentence == "" for c in lazy.constraints)  # large enough to be lazy
        monkeypatch.setattr(reports, "EAGER_ALL_ROWS", 10**9)
        eager = allocate(sc, "highs", baseline=False)
        for a, b in zip(lazy.constraints, eager.constraints, strict=True):
            assert report_sentence(a, lazy.objective_kind) == b.sentence
    english = allocate(sc, "highs", baseline=False)
    names = [c.name for c in english.constraints] + [c.id for c in sc.candidates]
    for a, b in zip(english.constraints, eager.constraints, strict=True):
        _spanish(b.sentence, a.sentence, names)
        _same_figures(a.sentence, b.sentence, names)
