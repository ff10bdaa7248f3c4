"""Hand-over to a plan (issue 12 section 5): each passed-over proposal gets the
allocator's priced reason, and the reviewers' scores enter only through the screener's
threshold, whose effect the outcome states. Real HiGHS solves, no database."""

from __future__ import annotations

import pytest

from model.domain.candidates import Region
from model.screening.handover import SCORES_IGNORED, proposals_to_candidates
from model.store.handover import PlanDataset, solve_plan
from tests.test_screening import proposal

# Three eligible proposals asking US$200,000 each over 24 months (two plan years), with
# US$300,000, US$250,000 and US$200,000 of match; benefit = full cost x 3.5, so per
# public dollar A1 returns 8.75, A2 7.875 and A3 7.0: US$400,000 funds A1 and A2 only.
PROPS = [
    proposal(proposal_id=pid, match_cash=m - 50_000)
    for pid, m in (("A1", 300_000), ("A2", 250_000), ("A3", 200_000))
]
HORIZON = 2


def plan() -> PlanDataset:
    grants = tuple(proposals_to_candidates(PROPS))
    regions = (Region(name=PROPS[0].region),)
    return PlanDataset("t+proposals", regions, grants, grants)


def test_a_passed_over_proposal_gets_the_allocators_priced_reason() -> None:
    out = solve_plan(plan(), PROPS, 400_000.0, HORIZON)
    assert out.result.optimal
    by = {line.proposal_id: line for line in out.lines}
    passed = [line for line in out.lines if line.status == "not funded"]
    assert [line.proposal_id for line in passed] == ["A3"]
    report = {u.candidate: u for u in out.result.unfunded_written}[passed[0].proposal_id]
    assert passed[0].reason.startswith(report.sentence.rstrip("."))
    assert "the allocator chose other candidates" not in passed[0].reason
    assert sum(line.funded for line in by.values()) == pytest.approx(400_000.0, abs=1.0)
    assert out.scores_note == SCORES_IGNORED


def test_a_score_threshold_keeps_low_scores_out_and_says_what_changed() -> None:
    scores = {"A1": 4.0, "A2": 2.0, "A3": 3.5}
    free = solve_plan(plan(), PROPS, 400_000.0, HORIZON, scores=scores)
    kept = solve_plan(plan(), PROPS, 400_000.0, HORIZON, scores=scores, min_score=3.0)
    by = {line.proposal_id: line for line in kept.lines}
    assert by["A2"].status == "not in plan"
    assert "score 2.00 of 5 is below the screener's threshold of 3.00" in by["A2"].reason
    assert set(free.funded_ids) == {"A1", "A2"}
    assert set(kept.funded_ids) == {"A1", "A3"}
    assert "threshold of 3.00 of 5" in kept.scores_note and "(A2)" in kept.scores_note
    had = ", ".join(sorted(free.funded_ids))
    assert f"Without the threshold the plan would fund {had}" in kept.scores_note
    with pytest.raises(ValueError, match="score threshold: must be within 0-5"):
        solve_plan(plan(), PROPS, 400_000.0, HORIZON, min_score=6.0)
