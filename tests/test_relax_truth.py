"""Infeasibility diagnosis, checked by re-solving (issue 12 section 3), on both solvers.

Hypothesis generates scenarios where several rules bind at once: mandatory items under
tight yearly budgets (with and without carry-over), partner match, broker capacity, fee
revenue, region, kind, lagging and funding-source floors, go/no-go sizes and targets;
region names carry dots, brackets and commas. Each property re-solves with the
diagnosis applied: every step stays in its quantity's domain, applying every edit gives
a feasible scenario (or the result names what still binds), and HiGHS and CBC reach the
same lexicographic optimum.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from model.allocator.api import allocate
from model.allocator.build.builder import build_model
from model.allocator.explain.edits import apply_edits
from model.allocator.explain.relax import weighted_give
from model.allocator.result import (
    AllocationResult,
    RelaxationStep,
    RuleEdit,
    result_from_json,
    result_to_json,
)
from model.allocator.scenario import Scenario, load_scenario, parse_scenario
from model.domain.candidates import KINDS
from model.planning.inputs import apply_all, apply_relaxation
from tests.allocator_fixtures import SOLVERS, cand, scenario
from tests.profiles import examples

DEMO = "data/scenarios/demo.json"
REGION_NAMES = ("Norte", "St. Ann", "a.b[c],d", "Río, Sur", "x]y")
# Relative agreement of the two solvers' phase-1 optima (sums of relative gives).
GIVE_TOL = 1e-5
EXAMPLES = examples(30)
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
    derandomize=True,
)
SHARE_FIELDS = {
    "kind_min",
    "kind_max",
    "region_min",
    "region_max",
    "lagging_min_share",
    "source_min",
    "source_max",
    "max_average_public_share",
    "mandatory",
    "go_no_go",
    "public_share_floor",
    "public_share_ceiling",
    "fee_share",
}


@st.composite
def crowded(draw: Any) -> dict[str, Any]:
    """A scenario data mapping where many rules can bind together (often infeasible)."""
    h = draw(st.integers(2, 3))
    names = draw(st.lists(st.sampled_from(REGION_NAMES), min_size=2, max_size=3, unique=True))
    regions = [{"name": r, "lagging": i == 0} for i, r in enumerate(names)]
    cands = []
    for i in range(draw(st.integers(3, 6))):
        kind = draw(st.sampled_from(["cluster_initiative", "broker_programme", "matching_grant"]))
        years = draw(st.integers(1, h))
        cost = [float(draw(st.integers(10, 200)) * 1000) for _ in range(years)]
        floor = draw(st.sampled_from([0.0, 0.3, 0.5]))
        c: dict[str, Any] = {
            "id": f"C{i}",
            "name": f"C{i}",
            "kind": kind,
            "region": draw(st.sampled_from(names)),
            "start_year": draw(st.integers(1, 2)),
            "cost_by_year": cost,
            "public_share_floor": floor,
            "public_share_ceiling": draw(st.sampled_from([0.8, 1.0])),
        }
        for m, unit in (("benefit", 10_000), ("enterprises", 1), ("jobs", 1)):
            v = float(draw(st.integers(1, 200)) * unit)
            c |= {m: v, f"{m}_low": v, f"{m}_high": 2 * v}
        if draw(st.booleans()):  # partner match, often the rule that sets the least share
            top = int(sum(cost) * (1 - floor) / 1000)
            c["partner_match"] = float(draw(st.integers(0, top)) * 1000)
        if kind == "broker_programme":
            c["networks_served"] = float(draw(st.integers(1, 4)))
            c["fee_schedule"] = [draw(st.sampled_from([0.0, 0.1, 0.3]))]
        else:
            c["networks_needed"] = float(draw(st.integers(0, 3)))
        if kind == "matching_grant" and draw(st.booleans()):
            c["grant_cap"] = float(draw(st.integers(5, 100)) * 1000)
        cands.append(c)
    ids = [c["id"] for c in cands]
    total_cost = sum(sum(c["cost_by_year"]) for c in cands)
    frac = draw(st.sampled_from([0.1, 0.2, 0.35, 0.5]))
    mandatory = {
        k: draw(st.sampled_from([0.5, 1.0]))
        for k in draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    }
    go = {}
    if draw(st.booleans()):
        go[draw(st.sampled_from(ids))] = draw(st.sampled_from([0.3, 0.6, 0.9]))
    pm: dict[str, Any] = {
        "region_shares": {names[-1]: {"min": draw(st.sampled_from([0.0, 0.4, 0.7]))}},
        "kind_shares": {"cluster_initiative": {"min": draw(st.sampled_from([0.0, 0.3, 0.6]))}},
        "lagging_min_share": draw(st.sampled_from([0.0, 0.3, 0.6])),
    }
    if draw(st.booleans()):
        pm["sources"] = [
            {
                "name": "MIF",
                "amount": round(total_cost * frac / 3, -3),
                "allowed_kinds": ["broker_programme", "matching_grant"],
                "share": {"min": draw(st.sampled_from([0.0, 0.3, 0.6]))},
            },
            {
                "name": "Ministry",
                "amount": round(total_cost, -3),
                "allowed_kinds": draw(
                    st.sampled_from([list(KINDS), ["cluster_initiative", "broker_programme"]])
                ),
            },
        ]
    targets = {}
    if draw(st.booleans()):
        targets["enterprises"] = float(draw(st.integers(50, 600)))
    return {
        "name": "generated",
        "horizon_years": h,
        "price_year": 2024,
        "regions": regions,
        "candidates": cands,
        "budget": {
            "per_year": [round(total_cost * frac / h, -3)] * h,
            "carry_over": draw(st.booleans()),
            "total": None if draw(st.booleans()) else round(total_cost * frac * 0.9, -3),
        },
        "rules": {
            "candidate_limits": {"mandatory": mandatory, "go_no_go": go},
            "broker_capacity": {"existing_networks": float(draw(st.integers(0, 2)))},
            "cost_recovery": {"min_fee_revenue": float(draw(st.sampled_from([0, 0, 2e4, 8e4])))},
            "policy_mix": pm,
        },
        "objective": {"kind": "benefit", "targets": targets},
    }


def infeasible(data: dict[str, Any], solver: str) -> tuple[Scenario, AllocationResult]:
    try:
        sc = parse_scenario(data)
    except ValueError:
        assume(False)
        raise
    r = allocate(sc, solver, baseline=False, explain=False)
    assume(r.status == "infeasible")
    return sc, r


def in_domain(e: RuleEdit) -> bool:
    if not math.isfinite(e.value) or e.value < 0:
        return False
    return e.value <= 1 if e.field in SHARE_FIELDS else True


def check_step(sc: Scenario, s: RelaxationStep) -> None:
    assert "-US$" not in s.sentence, s.sentence
    assert all(in_domain(e) for e in s.edits), s
    if s.rule.startswith("go_no_go"):
        assert s.edits or s.why_not, s
    if not s.edits:
        assert s.why_not, s
    if s.edits:
        apply_relaxation(sc, s)  # each edit alone is a valid scenario
    if "no funding source allows" in s.sentence:
        kind = sc.candidate(s.rule[len("source_split[") :].split(",")[0]).kind
        assert not any(kind in src.allowed_kinds for src in sc.rules.policy_mix.sources)


@pytest.mark.parametrize("solver", SOLVERS)
@SETTINGS
@given(data=crowded())
def test_every_step_is_in_its_domain_and_all_edits_make_it_feasible(
    solver: str, data: dict[str, Any]
) -> None:
    sc, r = infeasible(data, solver)
    assert r.relaxation, "an infeasible scenario of rule rows always has a diagnosis"
    for s in r.relaxation:
        check_step(sc, s)
    every = apply_edits(sc, [e for s in r.relaxation for e in s.edits])
    after = allocate(every, solver, baseline=False, explain=False)
    if after.status != "optimal":
        # Only when a step has no edit: the note then names exactly those rules.
        bare = [s.rule for s in r.relaxation if not s.edits]
        assert bare and all(rule in r.relaxation_note for rule in bare), r.relaxation_note


@pytest.mark.parametrize("solver", SOLVERS)
@SETTINGS
@given(data=crowded())
def test_the_planners_steps_suffice_or_the_note_names_what_binds(
    solver: str, data: dict[str, Any]
) -> None:
    sc, r = infeasible(data, solver)
    planner = apply_all(sc, r.relaxation)  # what the Plan page's button applies
    after = allocate(planner, solver, baseline=False, explain=False)
    others = [s for s in r.relaxation if not s.applicable]
    if after.status == "optimal":
        return
    assert others, "the planner's own steps alone must suffice when they are all there is"
    assert all(s.rule in r.relaxation_note for s in others), r.relaxation_note
    assert [s.rule for s in after.relaxation] != [s.rule for s in r.relaxation] or all(
        not s.applicable for s in after.relaxation
    ), "never the same planner steps again"


@SETTINGS
@given(data=crowded())
def test_highs_and_cbc_reach_the_same_diagnosis(data: dict[str, Any]) -> None:
    sc, _ = infeasible(data, "highs")
    built = build_model(sc)
    h, c = weighted_give(built, "highs"), weighted_give(built, "cbc")
    assert h is not None and c is not None
    assert h == pytest.approx(c, rel=GIVE_TOL, abs=1e-7)


ODD_NAMES = ("St. Ann", "a.b[c],d", "Río, Sur")


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", ODD_NAMES)
def test_a_free_text_region_name_relaxes_in_one_click(solver: str, name: str) -> None:
    """US$100 each to A (region ``name``) and B (mandatory); a 90 % floor on ``name``
    and US$150: the floor cannot hold. Lowering it (or B's mandatory scale, an equally
    small change) is the diagnosis; the step's key is the name as written."""
    sc = scenario(
        [cand("A", [100.0], 500.0, region=name), cand("B", [100.0], 300.0, region="S")],
        regions=[{"name": name}, {"name": "S"}],
        budget={"total": 150.0},
        rules={
            "candidate_limits": {"mandatory": {"B": 1.0}},
            "policy_mix": {"region_shares": {name: {"min": 0.9}}},
        },
    )
    r = allocate(sc, solver)
    assert r.status == "infeasible"
    step = next(s for s in r.relaxation if s.rule == f"region_floor[{name}]")
    assert step.edits[0].key == name and step.applicable
    assert 0 < step.edits[0].value < 0.9
    assert f"the {name} floor" in step.sentence  # named whole, commas and brackets kept
    stored = result_from_json(result_to_json(r))
    assert stored.relaxation == r.relaxation
    fixed = apply_all(sc, stored.relaxation)
    assert allocate(fixed, solver).status == "optimal"


def test_old_stored_steps_with_json_paths_still_apply() -> None:
    """Results saved before structured edits carried ``target``/``new_value`` paths; a
    region name with a dot read back whole (a split on dots broke it)."""
    sc = scenario(
        [cand("A", [100.0], 500.0, region="St. Ann")],
        regions=[{"name": "St. Ann"}],
        budget={"per_year": [50.0]},
        rules={"policy_mix": {"region_shares": {"St. Ann": {"min": 0.9}}}},
    )
    old = {
        "rule": "region_floor[St. Ann]",
        "family": "g. policy mix",
        "amount": 1.0,
        "sentence": "lower it",
        "target": "rules.policy_mix.region_shares.St. Ann.min",
        "new_value": 0.5,
    }
    data = result_to_json(allocate(sc)) | {"relaxation": [old]}
    step = result_from_json(data).relaxation[0]
    assert step.edits == (RuleEdit("region_min", 0.5, key="St. Ann"),)
    out = apply_relaxation(sc, step)
    assert out.rules.policy_mix.region_shares["St. Ann"].min == 0.5


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_planners_lever_comes_before_asking_partners(solver: str) -> None:
    """A: US$100, no floor, partner match US$60 (public pays at least US$40), mandatory;
    a US$30 budget. Raising the budget to US$40 is the planner's step: partners are not
    asked for US$10 more match while a planner's lever can do it."""
    sc = scenario(
        [cand("A", [100.0], 500.0, floor=0.0, partner_match=60.0)],
        budget={"total": 30.0},
        rules={"candidate_limits": {"mandatory": {"A": 1.0}}},
    )
    r = allocate(sc, solver)
    assert [s.rule for s in r.relaxation] == ["budget_total"]
    assert r.relaxation[0].edits[0].value == pytest.approx(40.0)
    assert r.relaxation_note == ""


def test_a_partner_step_is_a_request_that_one_click_skips() -> None:
    sc = scenario([cand("A", [100.0], 500.0, floor=0.0, partner_match=60.0)])
    ask = RelaxationStep(
        "partner_limit[A]",
        "c. subsidy band",
        10.0,
        "ask A's partners to commit US$10 more match",
        edits=(RuleEdit("partner_match", 70.0, key="A"),),
        lever="partners",
    )
    assert not ask.applicable
    assert apply_all(sc, [ask]) == sc
    assert apply_all(sc, [ask], levers=("partners",)).candidate("A").partner_match == 70.0


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_kind_no_source_allows_is_fixed_by_the_planners_lever(solver: str) -> None:
    """A broker is mandatory but the only source pays cluster initiatives alone: lowering
    B's mandatory scale fixes it (one click); "no source allows it" is never claimed for
    a kind a source allows (the split rows of allowed kinds are never relaxed)."""
    sc = scenario(
        [cand("B", [100.0], 500.0, kind="broker_programme"), cand("C", [100.0], 300.0)],
        rules={
            "candidate_limits": {"mandatory": {"B": 1.0}},
            "policy_mix": {
                "sources": [
                    {"name": "Ministry", "amount": 1e6, "allowed_kinds": ["cluster_initiative"]}
                ]
            },
        },
    )
    r = allocate(sc, solver)
    for s in r.relaxation:
        check_step(sc, s)
    assert not any(s.rule == "source_split[C,1]" for s in r.relaxation)
    fixed = allocate(apply_all(sc, r.relaxation), solver)
    assert fixed.status == "optimal" or "source_split[B,1]" in r.relaxation_note


def test_the_demo_with_an_out_of_reach_target_gets_one_minimal_step_on_both_solvers() -> None:
    """The demo (36 candidates) with an enterprise target of 5,000: before, HiGHS asked to
    lower it to 1,848 and two partners for US$46 and US$25 more match, CBC to 1,788 and
    one partner (and partner limits were worded "from US$0 to -US$45.70")."""
    base = load_scenario(DEMO)
    sc = base.model_copy(
        update={"objective": base.objective.model_copy(update={"targets": {"enterprises": 5e3}})}
    )
    got = {}
    for solver in SOLVERS:
        r = allocate(sc, solver, baseline=False, explain=False)
        assert [s.rule for s in r.relaxation] == ["target[enterprises]"]
        got[solver] = r.relaxation[0].edits[0].value
        assert allocate(apply_all(sc, r.relaxation), solver).status == "optimal"
    assert got["highs"] == pytest.approx(got["cbc"], abs=1.0)
    built = build_model(sc)
    h, c = weighted_give(built, "highs"), weighted_give(built, "cbc")
    assert h is not None and c is not None and h == pytest.approx(c, rel=GIVE_TOL)


def test_a_target_step_states_the_value_it_applies_and_that_value_is_feasible() -> None:
    """Demo, US$4 M with year 1 at US$10,000 and a target of 5,000 enterprises: the page
    said "lower ... to 1,805.02" (rounded up) while the feasible value was 1,805.016, so a
    person typing what the sentence said got no plan. The sentence now states the applied
    value, rounded down, and typing it in solves."""
    base = load_scenario(DEMO)
    assert base.budget.per_year is not None
    per_year = (10_000.0, *base.budget.per_year[1:])
    sc = base.model_copy(
        update={
            "budget": base.budget.model_copy(update={"total": 4e6, "per_year": per_year}),
            "objective": base.objective.model_copy(update={"targets": {"enterprises": 5e3}}),
        }
    )
    for solver in SOLVERS:
        r = allocate(sc, solver, baseline=False, explain=False)
        steps = [s for s in r.relaxation if s.rule == "target[enterprises]"]
        assert steps, [s.sentence for s in r.relaxation]
        value = steps[0].edits[0].value
        stated = f"{value:,.2f}".removesuffix(".00")
        assert f"to {stated}" in steps[0].sentence
        typed = float(stated.replace(",", ""))
        assert typed == value
        others = tuple(s for s in r.relaxation if s is not steps[0])
        typed_in = apply_all(sc, others).model_copy(
            update={
                "objective": sc.objective.model_copy(update={"targets": {"enterprises": typed}})
            }
        )
        assert allocate(typed_in, solver, baseline=False, explain=False).status == "optimal"


def test_a_year_budget_step_changes_that_year_only() -> None:
    """Applying "raise the year-1 budget" also raised the total (US$4,000,000 to
    US$4,311,460) though no step said so; a rule changes only when a step names it."""
    base = load_scenario(DEMO)
    assert base.budget.per_year is not None
    sc = base.model_copy(
        update={
            "budget": base.budget.model_copy(
                update={"total": 4e6, "per_year": (10_000.0, *base.budget.per_year[1:])}
            ),
            "objective": base.objective.model_copy(update={"targets": {"enterprises": 5e3}}),
        }
    )
    for solver in SOLVERS:
        r = allocate(sc, solver, baseline=False, explain=False)
        named = {e.field for s in r.relaxation for e in s.edits}
        relaxed = apply_all(sc, r.relaxation)
        if "budget_total" not in named:
            assert relaxed.budget.total == sc.budget.total
        assert allocate(relaxed, solver, baseline=False, explain=False).status == "optimal"
