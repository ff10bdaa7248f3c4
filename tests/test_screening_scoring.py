"""Rubric scoring, reviewer disagreement, weight sensitivity, desk score and hand-over."""

from __future__ import annotations

from typing import Any

import pytest

from model.screening.desk import desk_score
from model.screening.handover import (
    ReturnAssumption,
    explain_funding,
    proposals_to_candidates,
    spread_cost,
)
from model.screening.proposals import Proposal
from model.screening.rubric import (
    DEFAULT_RUBRIC,
    Criterion,
    CriterionScore,
    Review,
    Rubric,
    score_all,
    score_proposal,
)
from model.screening.sensitivity import profiles_from_scores, weight_sensitivity
from tests.test_screening import GOOD, proposal

SCORE_TOL = 1e-9
USD_TOL = 1e-6

TWO = Rubric(
    criteria=(
        Criterion(id="x", label="X", weight=1, source="test"),
        Criterion(id="y", label="Y", weight=1, source="test"),
    )
)


def review(pid: str, who: str, **scores: int) -> Review:
    return Review(
        proposal_id=pid,
        reviewer=who,
        scores=tuple(CriterionScore(criterion=c, score=s) for c, s in scores.items()),
    )


def test_default_rubric_cites_a_source_for_every_criterion() -> None:
    assert set(DEFAULT_RUBRIC.ids) == {
        "innovation",
        "cofinancing",
        "governance",
        "inclusion",
        "indicators",
        "sustainability",
        "replicability",
        "linkages",
    }
    assert sum(DEFAULT_RUBRIC.weights().values()) == pytest.approx(1.0, abs=SCORE_TOL)
    for c in DEFAULT_RUBRIC.criteria:
        assert c.source[:3] in ("000", "002", "004")


def test_score_is_mean_over_reviewers_of_weighted_averages() -> None:
    rubric = TWO.with_weight("x", 3)  # weights 0.75 / 0.25
    s = score_proposal(rubric, [review("A", "r1", x=4, y=0), review("A", "r2", x=2, y=4)])
    # r1: 0.75*4 + 0.25*0 = 3.0; r2: 0.75*2 + 0.25*4 = 2.5; mean 2.75
    assert dict(s.by_reviewer) == pytest.approx({"r1": 3.0, "r2": 2.5}, abs=SCORE_TOL)
    assert s.score == pytest.approx(2.75, abs=SCORE_TOL)
    assert dict(s.criterion_means) == pytest.approx({"x": 3.0, "y": 2.0}, abs=SCORE_TOL)


def test_disagreement_is_flagged_at_two_points() -> None:
    s = score_proposal(TWO, [review("A", "r1", x=4, y=0), review("A", "r2", x=3, y=2)])
    by = {d.criterion: d for d in s.disagreements}
    assert (by["x"].spread, by["x"].flagged) == (1, False)
    assert (by["y"].low, by["y"].high, by["y"].spread, by["y"].flagged) == (0, 2, 2, True)
    assert [d.criterion for d in s.flagged] == ["y"]


def test_scoring_refuses_incomplete_or_foreign_reviews() -> None:
    with pytest.raises(ValueError, match="reviewer r1: no score for criterion y"):
        score_proposal(TWO, [review("A", "r1", x=4)])
    with pytest.raises(ValueError, match="unknown criterion z"):
        score_proposal(TWO, [review("A", "r1", x=4, y=1, z=3)])
    with pytest.raises(ValueError, match="less than or equal to 5"):
        review("A", "r1", x=6, y=1)


def test_score_all_ranks_best_first() -> None:
    reviews = [review("B", "r1", x=1, y=1), review("A", "r1", x=5, y=5), review("C", "r", x=3, y=3)]
    assert [s.proposal_id for s in score_all(TWO, reviews)] == ["A", "C", "B"]


def test_a_twenty_percent_weight_move_flips_two_proposals() -> None:
    # Equal weights: A = (4 + 2)/2 = 3.0 beats B = (2 + 3.9)/2 = 2.95.
    # x weight x0.8: A = (0.8*4 + 2)/1.8 = 2.889 < B = (0.8*2 + 3.9)/1.8 = 3.056: flip.
    # y weight x1.2: A = (4 + 1.2*2)/2.2 = 2.909 < B = (2 + 1.2*3.9)/2.2 = 3.036: flip.
    profiles = {"A": {"x": 4.0, "y": 2.0}, "B": {"x": 2.0, "y": 3.9}}
    sens = weight_sensitivity(TWO, profiles)
    assert sens.base_ranking == ("A", "B")
    flips = {(c.criterion, c.factor) for c in sens.changed}
    assert flips == {("x", 0.8), ("y", 1.2)}
    case = next(c for c in sens.cases if (c.criterion, c.factor) == ("x", 0.8))
    assert case.ranking == ("B", "A")
    assert {(r.proposal_id, r.base_rank, r.new_rank) for r in case.changes} == {
        ("A", 1, 2),
        ("B", 2, 1),
    }
    assert dict(case.weights) == pytest.approx({"x": 0.8 / 1.8, "y": 1 / 1.8}, abs=SCORE_TOL)
    assert case.label == "x weight -20 %"
    assert not sens.stable


def test_sensitivity_is_stable_when_one_proposal_dominates() -> None:
    s = score_all(TWO, [review("A", "r", x=5, y=5), review("B", "r", x=1, y=2)])
    sens = weight_sensitivity(TWO, profiles_from_scores(s))
    assert sens.stable and len(sens.cases) == 4


def test_desk_score_parts_follow_the_documented_rules() -> None:
    p = proposal(
        match_cash=100_000,
        match_in_kind=0,  # 100k of 300k full cost: share 1/3 -> 5 * (1/3) / 0.5 = 3.33
        inclusion=["women"],
        indicators=[
            {"name": "firms", "horizon": "short", "baseline": 0, "target": 10, "unit": "firms"},
            {"name": "exports", "horizon": "long", "baseline": None, "target": 5},
        ],
    )
    d = desk_score(p)
    parts = d.profile()
    assert parts["cofinancing"] == pytest.approx(10 / 3, abs=SCORE_TOL)
    assert parts["inclusion"] == 2.5
    assert parts["indicators"] == 2.0  # two horizons, a baseline missing
    assert parts["linkages"] == 3.0  # three entity types
    expected = (0.15 * 10 / 3 + 0.10 * 2.5 + 0.15 * 2.0 + 0.10 * 3.0) / 0.5
    assert d.score == pytest.approx(expected, abs=SCORE_TOL)


def test_spread_cost_by_months() -> None:
    assert spread_cost(360.0, 18) == pytest.approx((240.0, 120.0), abs=USD_TOL)
    assert spread_cost(100.0, 12) == (100.0,)
    with pytest.raises(ValueError, match="duration_months"):
        spread_cost(1.0, 0)


def test_hand_over_maps_an_eligible_proposal_to_a_matching_grant() -> None:
    p = proposal(
        duration_months=18,
        indicators=[
            {"name": "firms", "horizon": "short", "baseline": 0, "target": 25, "unit": "firms"},
            {"name": "jobs", "horizon": "long", "baseline": 5, "target": 40, "unit": "jobs"},
        ],
    )
    bad = proposal(proposal_id="G2", environmental_compliance=False)
    [c] = proposals_to_candidates([p, bad], returns=ReturnAssumption(low=1, central=2, high=7))
    full = 400_000.0  # 200k request + 200k match
    assert c.id == "G1" and c.kind == "matching_grant" and c.eligible
    assert c.cost_by_year == pytest.approx((full * 12 / 18, full * 6 / 18), abs=USD_TOL)
    assert (c.partner_match, c.grant_cap, c.match_ratio) == (200_000, 200_000, 1.0)
    assert c.public_share_ceiling == pytest.approx(0.5, abs=SCORE_TOL)
    assert (c.enterprises, c.jobs) == (25, 35)
    assert (c.benefit_low, c.benefit, c.benefit_high) == pytest.approx(
        (full, 2 * full, 7 * full), abs=USD_TOL
    )
    assert "CORDOBA-01" in c.evidence_basis
    both = proposals_to_candidates([p, bad], include_ineligible=True)
    assert [x.eligible for x in both] == [True, False]


def test_hand_over_without_indicators_counts_the_submitting_firms() -> None:
    [c] = proposals_to_candidates([proposal()])
    assert (c.enterprises, c.jobs) == (1, 0)


def test_funding_explanation_says_why() -> None:
    funded_full = proposal(proposal_id="F1")
    partly = proposal(proposal_id="F2")
    passed_over = proposal(proposal_id="F3")
    ineligible = proposal(proposal_id="F4", entities=GOOD["entities"][:2])
    lines = explain_funding(
        [funded_full, partly, passed_over, ineligible],
        {"F1": 200_000, "F2": 50_000},
        scores={"F3": 2.5},
    )
    by = {line.proposal_id: line for line in lines}
    assert by["F1"].status == "funded"
    assert by["F2"].status == "partly funded" and "US$50,000 of the US$200,000" in by["F2"].reason
    assert by["F3"].status == "not funded" and "score 2.50 of 5" in by["F3"].reason
    assert by["F4"].status == "ineligible"
    assert "add a knowledge institution as a partner" not in by["F4"].reason
    assert "add at least 1 more submitting entity" in by["F4"].reason
    out: Any = explain_funding([passed_over], {}, in_plan=[])
    assert out[0].status == "not in plan"


def test_proposal_properties() -> None:
    p: Proposal = proposal(match_cash=100_000, match_in_kind=50_000)
    assert (p.partner_match, p.full_cost) == (150_000, 350_000)
    assert p.cofinancing_share == pytest.approx(150 / 350, abs=SCORE_TOL)
