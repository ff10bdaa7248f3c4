"""The model functions behind the screening pages: forms, display rows, plan hand-over."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from model import DATA_DIR
from model.accounts.auth import VIEWER, PermissionDenied, User
from model.screening.forms import (
    FormInvalid,
    assessment_from_grid,
    build_proposal,
    indicators_with_actuals,
)
from model.screening.indicators import ProjectIndicator
from model.screening.net import INDICATORS, STAGES
from model.screening.rubric import DEFAULT_RUBRIC, CriterionScore, Review, score_all
from model.screening.rules import ScreeningRules, screen_all
from model.screening.sensitivity import profiles_from_scores, weight_sensitivity
from model.screening.tables import (
    ELIGIBLE_MARK,
    INELIGIBLE_MARK,
    eligibility_rows,
    monitoring_rows,
    ranking_rows,
    rubric_with_weights,
    sensitivity_rows,
)
from model.store.db import transaction
from model.store.handover import plan_dataset_name, send_to_plan, solve_plan
from model.store.orm import CandidateRow, RegionRow
from model.store.proposal_files import (
    fetch_proposals,
    import_proposals,
    parse_proposals,
    proposal_statuses,
)
from model.store.repository import fetch_candidates, fetch_regions

EXAMPLE = DATA_DIR / "proposals_example.csv"
SCREENER = User(username="sam", role="screener")
MONEY_TOL = 0.01  # US$
WEIGHT_TOL = 1e-12
FIELDS = {
    "proposal_id": "F-1",
    "title": "Form proposal",
    "region": "Altiplano",
    "amount_requested": 200_000.0,
    "match_cash": 150_000.0,
    "match_in_kind": 50_000.0,
    "duration_months": 24,
    "environmental_compliance": True,
    "regulatory_compliance": True,
    "territory": "",
}
ENTITIES: list[dict[str, Any]] = [
    {"name": "Firm A", "type": "business enterprise"},
    {"name": "Uni B", "type": "knowledge_institution"},
    {"name": "Town C", "type": "public body"},
    {"name": None, "type": None},  # the editor's empty spare row
]


def test_build_proposal_from_form_values() -> None:
    inds: list[dict[str, Any]] = [
        {"name": "Firms", "horizon": "short", "baseline": 0.0, "target": 30.0, "unit": "firms"},
        {"name": float("nan"), "horizon": None, "baseline": math.nan, "target": math.nan},
    ]
    p = build_proposal(FIELDS, ENTITIES, inds)
    assert [e.type for e in p.entities] == [
        "business_enterprise",
        "knowledge_institution",
        "public_body",
    ]
    assert len(p.indicators) == 1 and p.indicators[0].baseline == 0.0
    assert p.territory == "" and screen_all([p])[0].eligible


def test_build_proposal_names_every_bad_field() -> None:
    bad_fields = {**FIELDS, "title": "", "amount_requested": 0.0}
    entities = [{"name": "Firm A", "type": "guild"}]
    inds = [{"name": "Sales", "horizon": "soon", "baseline": 1.0, "target": math.nan}]
    with pytest.raises(FormInvalid) as info:
        build_proposal(bad_fields, entities, inds)
    fields = {p.field for p in info.value.problems}
    assert fields == {
        "title",
        "amount_requested",
        "entities row 1 type",
        "indicators row 1 horizon",
        "indicators row 1 target",
    }
    horizon = next(p for p in info.value.problems if p.field.endswith("horizon"))
    assert horizon.message == "choose one of short, medium, long"


def test_assessment_from_grid_and_its_problems() -> None:
    grid: list[list[Any]] = [["achieved"] * 2 + ["partly", None, ""] for _ in INDICATORS]
    a = assessment_from_grid("N-1", "Net", date(2025, 1, 1), grid)
    assert a.stage == "strategic_planning"
    assert math.isclose(a.score, (7 * 2 + 7 * 0.5) / 35)
    grid[0][4] = "done"
    with pytest.raises(FormInvalid, match=f"{INDICATORS[0]} at {STAGES[4]}"):
        assessment_from_grid("N-1", "Net", date(2025, 1, 1), grid)
    with pytest.raises(FormInvalid, match="network_id"):
        assessment_from_grid("bad id!", "", date(2025, 1, 1), [["not"] * 5] * 7)


def test_indicators_with_actuals() -> None:
    inds = [
        ProjectIndicator(project_id="X", name="jobs", horizon="long", baseline=0, target=10),
        ProjectIndicator(project_id="X", name="firms", horizon="short", baseline=0, target=4),
    ]
    edits: list[dict[str, Any]] = [
        {"actual": 9.0, "expected_share": 1.0},
        {"actual": math.nan, "expected_share": None},
    ]
    out = indicators_with_actuals(inds, edits)
    assert [i.status for i in out] == ["on track", "not yet measured"]
    with pytest.raises(FormInvalid, match="firms expected_share"):
        indicators_with_actuals(inds, [edits[0], {"actual": 1.0, "expected_share": 1.5}])
    rows = monitoring_rows(out)
    assert rows[0].status == "on track" and rows[0].reason.startswith("90% of the planned")


def test_eligibility_ranking_and_sensitivity_rows() -> None:
    props = parse_proposals(EXAMPLE.read_bytes(), EXAMPLE.name)
    rows = eligibility_rows(props, screen_all(props), {"P-001": "handed_over"})
    by_id = {r.proposal_id: r for r in rows}
    assert by_id["P-001"].verdict == ELIGIBLE_MARK and by_id["P-001"].status == "handed_over"
    assert by_id["P-002"].verdict == INELIGIBLE_MARK
    call = ScreeningRules(min_amount=150_000, max_amount=1_500_000)
    with_call = {r.proposal_id: r for r in eligibility_rows(props, screen_all(props, call))}
    assert with_call["P-008"].verdict == INELIGIBLE_MARK
    assert with_call["P-008"].failed_gates == (
        "Request between US$150,000 and US$1,500,000 (call setting)"
    )

    # Profiles: A innovation 4 (x 5, y 3), governance 1; B innovation 2, governance
    # 11/3 (3, 4, 4); all else 3. A leads by 0.15 x 2 - 0.10 x 8/3 = 0.033 before
    # renormalising; innovation -20 % or governance +20 % turns that negative.
    def rev(pid: str, who: str, innovation: int, governance: int) -> Review:
        marks = dict.fromkeys(DEFAULT_RUBRIC.ids, 3) | {
            "innovation": innovation,
            "governance": governance,
        }
        return Review(
            proposal_id=pid,
            reviewer=who,
            scores=tuple(CriterionScore(criterion=c, score=s) for c, s in marks.items()),
        )

    reviews = [rev("A", "x", 5, 1), rev("A", "y", 3, 1)]
    reviews += [rev("B", "x", 2, 3), rev("B", "y", 2, 4), rev("B", "z", 2, 4)]
    scores = score_all(DEFAULT_RUBRIC, reviews)
    ranked = ranking_rows(scores, {"A": "Alpha"})
    assert [(r.proposal_id, r.title) for r in ranked] == [("A", "Alpha"), ("B", "")]
    assert ranked[0].disagreement == "innovation: x 5, y 3" and ranked[1].disagreement == ""
    sens = weight_sensitivity(DEFAULT_RUBRIC, profiles_from_scores(scores))
    moved = {r.case: r.rank_changes for r in sensitivity_rows(sens) if r.rank_changes != "none"}
    assert moved == {
        "innovation weight -20 %": "B: 2 → 1; A: 1 → 2",
        "governance weight +20 %": "B: 2 → 1; A: 1 → 2",
    }


def test_rubric_with_weights() -> None:
    zeroed = {c: 0.0 for c in DEFAULT_RUBRIC.ids} | {"innovation": 0.3}
    r = rubric_with_weights(DEFAULT_RUBRIC, zeroed)
    assert abs(r.weights()["innovation"] - 1.0) < WEIGHT_TOL
    with pytest.raises(ValueError, match="at least one criterion"):
        rubric_with_weights(DEFAULT_RUBRIC, dict.fromkeys(DEFAULT_RUBRIC.ids, 0.0))
    with pytest.raises(ValueError, match="unknown criterion"):
        rubric_with_weights(DEFAULT_RUBRIC, {"nope": 1.0})


def test_plan_dataset_name() -> None:
    assert plan_dataset_name("demo") == "demo+proposals"
    with pytest.raises(ValueError, match="choose 'demo' instead"):
        plan_dataset_name("demo+proposals")
    with pytest.raises(ValueError, match="too long"):
        plan_dataset_name("x" * 60)


def _rows(engine: Engine, table: type, dataset: str) -> int:
    with transaction(engine) as s:
        q = sa.select(sa.func.count()).select_from(table).where(table.dataset == dataset)  # type: ignore[attr-defined]
        return int(s.scalar(q) or 0)


def test_send_to_plan_writes_the_combined_dataset(seeded_engine: Engine) -> None:
    eng = seeded_engine
    import_proposals(eng, EXAMPLE.read_bytes(), EXAMPLE.name, user=SCREENER)
    with pytest.raises(PermissionDenied):
        send_to_plan(eng, "demo", user=VIEWER)
    assert _rows(eng, CandidateRow, "demo+proposals") == 0

    plan = send_to_plan(eng, "demo", user=SCREENER)
    base = fetch_candidates(eng, "demo")
    assert [g.id for g in plan.grants] == ["P-001", "P-005", "P-006", "P-007", "P-008"]
    assert fetch_candidates(eng, "demo+proposals") == sorted(
        [*base, *plan.grants], key=lambda c: c.id
    )
    assert fetch_regions(eng, "demo+proposals") == fetch_regions(eng, "demo")
    # Sending again replaces the copy rather than adding to it.
    send_to_plan(eng, "demo", user=SCREENER)
    assert _rows(eng, CandidateRow, "demo+proposals") == len(base) + 5
    assert _rows(eng, RegionRow, "demo+proposals") == len(fetch_regions(eng, "demo"))

    outcome = solve_plan(plan, fetch_proposals(eng), 5_000_000.0, 4)
    assert outcome.result.optimal
    assert outcome.result.total_public <= 5_000_000.0 + MONEY_TOL
    by_id = {line.proposal_id: line for line in outcome.lines}
    assert by_id["P-003"].status == "ineligible"
    assert set(outcome.funded_ids) <= {g.id for g in plan.grants}
    for line in outcome.lines:  # a passed-over proposal gets the allocator's priced reason
        if line.status == "not funded":
            assert line.reason.startswith(f"{line.proposal_id} is not funded: ")
    for pid in outcome.funded_ids:
        assert by_id[pid].funded <= by_id[pid].requested + MONEY_TOL


def test_send_to_plan_is_all_or_nothing(seeded_engine: Engine) -> None:
    eng = seeded_engine
    # P-003 is ineligible, so move an eligible one (P-006) to an unknown region.
    clash = EXAMPLE.read_bytes().replace(
        b"San Mart\xc3\xadn,Llanos del Sur", b"San Mart\xc3\xadn,Atlantis"
    )
    import_proposals(eng, clash, "clash.csv", user=SCREENER)
    with pytest.raises(ValueError, match="proposal P-006: region 'Atlantis'"):
        send_to_plan(eng, "demo", user=SCREENER)
    assert _rows(eng, CandidateRow, "demo+proposals") == 0
    assert set(proposal_statuses(eng).values()) == {"submitted"}
    with pytest.raises(ValueError, match="'nowhere' has no candidates"):
        send_to_plan(eng, "nowhere", user=SCREENER)
