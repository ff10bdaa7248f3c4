"""Comparing saved scenarios: hand-made results with deltas you can check in your head."""

from __future__ import annotations

import json
from typing import Any

import pytest

from model import DATA_DIR
from model.allocator.api import allocate
from model.allocator.result import SCALE_FUNDED, result_from_json, result_to_json
from model.allocator.scenario import load_scenario, parse_scenario
from model.planning.charts import candidate_records, metric_records
from model.planning.compare import Compared, compare, funded_count, prepare
from model.planning.readout import allocation_rows, funded_counts

HAND = json.loads((DATA_DIR / "scenarios" / "hand.json").read_text(encoding="utf-8"))
HAND_OPTIMUM = 1_040_000.0  # benefit, stated and derived in hand.json's description
USD_TOL = 1e-6  # hand-made figures are exact; solver figures to a micro-dollar
SOLVER_REL = 1e-6


def prepared(name: str, inputs: dict[str, Any], stored: dict[str, Any] | None) -> Compared:
    """A saved scenario as the store gives it back: typed scenario and result."""
    return prepare(
        name, parse_scenario(inputs), None if stored is None else result_from_json(stored)
    )


def constraint(name: str, binding: bool, shadow: float) -> dict[str, Any]:
    return {
        "name": name,
        "family": "a. budgets" if name.startswith("budget") else "b. candidate limits",
        "sense": "<=",
        "rhs": 100_000.0,
        "activity": 100_000.0 if binding else 50_000.0,
        "slack": 0.0 if binding else 50_000.0,
        "shadow_price": shadow,
        "binding": binding,
        "sentence": f"{name} sentence",
    }


def result(
    funding: dict[str, list[float]], objective: float, constraints: list[dict[str, Any]]
) -> dict[str, Any]:
    """A result dict of the shape result_to_json writes, for hand.json's C1, B1, G1."""
    kinds = {"C1": "cluster_initiative", "B1": "broker_programme", "G1": "matching_grant"}
    regions = {"C1": "Norte", "B1": "Altiplano", "G1": "Altiplano"}
    by_kind = {k: 0.0 for k in ("cluster_initiative", "broker_programme", "matching_grant")}
    by_region = {"Norte": 0.0, "Altiplano": 0.0}
    for cid, row in funding.items():
        by_kind[kinds[cid]] += sum(row)
        by_region[regions[cid]] += sum(row)
    total = sum(sum(r) for r in funding.values())
    return {
        "scenario": "hand",
        "status": "optimal",
        "solver": "highs",
        "objective_kind": "benefit",
        "objective": objective,
        "funding": funding,
        "scale": {cid: 1.0 if sum(r) else 0.0 for cid, r in funding.items()},
        "funding_by_source": {},
        "totals_by_kind": by_kind,
        "totals_by_region": by_region,
        "totals_by_year": [sum(r[t] for r in funding.values()) for t in range(2)],
        "totals_by_source": {},
        "total_public": total,
        "budget_available": 200_000.0,
        "unallocated": 200_000.0 - total,
        "unallocated_sentence": "",
        "outcomes": {"benefit": objective, "enterprises": 100.0, "jobs": 10.0},
        "return_per_public_dollar": objective / total,
        "fee_revenue": 0.0,
        "constraints": constraints,
        "constraints_omitted": 0,
        "unfunded": [],
        "greedy": None,
        "is_mip": False,
        "gap": 0.0,
        "duals_note": "",
        "relaxation": [],
        "seconds": {},
        "message": "Optimal",
    }


# A funds all three; B drops the broker and gives the grant US$20,000 more.
RESULT_A = result(
    {"C1": [50_000.0, 50_000.0], "B1": [40_000.0, 40_000.0], "G1": [10_000.0, 0.0]},
    1_000_000.0,
    [constraint("budget_year[1]", True, 4.0), constraint("candidate_max[G1]", False, 0.0)],
)
RESULT_B = result(
    {"C1": [50_000.0, 50_000.0], "B1": [0.0, 0.0], "G1": [30_000.0, 0.0]},
    700_000.0,
    [constraint("budget_year[1]", False, 0.0), constraint("candidate_max[G1]", True, 2.0)],
)


@pytest.fixture
def pair() -> tuple[Compared, Compared]:
    return prepared("A", HAND, RESULT_A), prepared("B", HAND, RESULT_B)


def test_headline_deltas_are_b_minus_a(pair: tuple[Compared, Compared]) -> None:
    c = compare(pair)
    assert c.names == ("A", "B")
    used = c.metric("total_public")
    assert used.values == (190_000.0, 130_000.0)
    assert used.deltas == (0.0, -60_000.0)
    assert c.metric("objective").deltas[1] == pytest.approx(-300_000.0, abs=USD_TOL)
    assert c.metric("unallocated").deltas[1] == pytest.approx(60_000.0, abs=USD_TOL)
    assert c.metric("funded").values == (3.0, 2.0)
    assert c.metric("funded_broker_programme").deltas == (0.0, -1.0)
    assert c.metric("funded_matching_grant").deltas == (0.0, 0.0)
    assert c.metric("return_per_public_dollar").values[1] == pytest.approx(700_000 / 130_000)


def test_candidates_sorted_by_largest_move(pair: tuple[Compared, Compared]) -> None:
    c = compare(pair)
    assert [r.id for r in c.candidates] == ["B1", "G1", "C1"]
    b1, g1, c1 = c.candidates
    assert b1.funding == (80_000.0, 0.0) and b1.deltas == (0.0, -80_000.0)
    assert g1.deltas == (0.0, 20_000.0)
    assert c1.largest_move == 0.0
    assert [r.id for r in c.moved()] == ["B1", "G1"]
    rows = candidate_records(c, only_moved=True)
    assert [r["Candidate"] for r in rows] == ["B1", "G1"] and rows[0]["Δ B"] == -80_000.0


def test_totals_by_kind_region_and_year(pair: tuple[Compared, Compared]) -> None:
    c = compare(pair)
    by = {(t.group, t.key): t for t in c.totals}
    assert by["kind", "broker_programme"].deltas == (0.0, -80_000.0)
    assert by["kind", "matching_grant"].values == (10_000.0, 30_000.0)
    assert by["region", "Altiplano"].deltas == (0.0, -60_000.0)
    assert by["year", "Year 1"].values == (100_000.0, 80_000.0)
    assert by["year", "Year 2"].deltas == (0.0, -40_000.0)


def test_binding_rules_show_where_each_binds(pair: tuple[Compared, Compared]) -> None:
    c = compare(pair)
    rules = {r.name: r for r in c.rules}
    assert set(rules) == {"budget_year[1]", "candidate_max[G1]"}
    budget = rules["budget_year[1]"]
    assert budget.portfolio and budget.changed
    assert budget.binding == (True, False) and budget.shadow_price == (4.0, 0.0)
    assert rules["candidate_max[G1]"].binding == (False, True)
    assert not rules["candidate_max[G1]"].portfolio
    assert c.rules[0].name == "budget_year[1]"  # portfolio rules come first


def test_difference_table_text_has_signed_deltas(pair: tuple[Compared, Compared]) -> None:
    rows = {r["Figure"]: r for r in metric_records(compare(pair))}
    assert rows["Money used (public)"]["A"] == "190,000"
    assert rows["Money used (public)"]["Δ B"] == "-60,000"
    assert rows["Unallocated"]["Δ B"] == "+60,000"
    assert rows["Funded: Broker programme"]["Δ B"] == "-1"


def test_three_scenarios_each_against_the_first(pair: tuple[Compared, Compared]) -> None:
    a, b = pair
    c = compare([b, a, prepared("A again", HAND, RESULT_A)])
    assert c.metric("total_public").deltas == (0.0, 60_000.0, 60_000.0)


def test_needs_two_distinct_scenarios(pair: tuple[Compared, Compared]) -> None:
    with pytest.raises(ValueError, match="at least two"):
        compare(pair[:1])
    with pytest.raises(ValueError, match="only once"):
        compare([pair[0], pair[0]])


def test_differing_objectives_and_unsolved_scenarios_are_noted(
    pair: tuple[Compared, Compared],
) -> None:
    jobs = {**HAND, "objective": {"kind": "jobs"}}
    solved_now = prepared("Jobs, unsaved result", jobs, None)
    assert solved_now.solved_now and solved_now.result.objective_kind == "jobs"
    c = compare([pair[0], solved_now])
    assert any("objectives differ" in n for n in c.notes)
    assert any("solved now for this comparison, not saved" in n for n in c.notes)
    assert c.metric("objective").unit == "differs"


def test_stored_result_round_trips_and_unsaved_one_is_solved() -> None:
    solved = allocate(parse_scenario(HAND))
    assert result_from_json(json.loads(json.dumps(result_to_json(solved)))) == solved
    fresh = prepared("hand", HAND, None)
    assert fresh.solved_now
    assert fresh.result.objective == pytest.approx(HAND_OPTIMUM, rel=SOLVER_REL)


def test_malformed_result_names_the_field() -> None:
    broken = {k: v for k, v in RESULT_A.items() if k != "total_public"}
    with pytest.raises(ValueError, match="total_public"):
        result_from_json(broken)
    with pytest.raises(ValueError, match="objective"):
        result_from_json({**RESULT_A, "objective": "lots"})


def test_one_definition_of_funded_across_compare_readout_and_the_result() -> None:
    sc = load_scenario(DATA_DIR / "scenarios" / "demo.json")
    r = allocate(sc)
    funded = {c.id for c in sc.candidates if r.scale[c.id] > SCALE_FUNDED}
    assert 0 < len(funded) < len(sc.candidates)  # the demo funds some, not all
    assert {c.id for c in sc.candidates if r.is_funded(c.id)} == funded
    assert funded_count(r, sc) == len(funded) == sum(funded_counts(r, sc).values())
    for kind in {c.kind for c in sc.candidates}:
        assert funded_count(r, sc, kind) == funded_counts(r, sc)[kind]
    assert {row["candidate"] for row in allocation_rows(r, sc)} == funded
