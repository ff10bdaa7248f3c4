"""The Proposals page through AppTest: eligibility, review, ranking, sensitivity, hand-over.

AppTest cannot upload a file, so the shipped example is imported through the
model first; the page's own widgets then review it and hand it over.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from model import DATA_DIR
from model.accounts.auth import VIEWER, PermissionDenied, create_user
from model.screening.rubric import DEFAULT_RUBRIC, CriterionScore, Review
from model.store import db
from model.store.proposal_files import proposal_statuses
from model.store.repository import fetch_candidates
from model.store.screening import fetch_reviews, save_review
from pages._handover import OPEN_DATASET_KEY
from tests.test_pages import open_page

PAGE = "pages/proposals.py"
EXAMPLE = DATA_DIR / "proposals_example.csv"
# The example's eligible proposals: no size limit unless the call sets one.
ELIGIBLE = ("P-001", "P-005", "P-006", "P-007", "P-008")
SCORE_TOL = 1e-9


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def button(at: AppTest, label: str) -> Button:
    return next(b for b in at.button if b.label == label)


def review(at: AppTest, pid: str, reviewer: str, marks: dict[str, int]) -> AppTest:
    at.selectbox(key="proposals_review_pick").set_value(pid).run()
    at.text_input(key="proposals_reviewer").set_value(reviewer).run()
    for cid, mark in marks.items():
        at.slider(key=f"proposals_score_{pid}_{reviewer}_{cid}").set_value(mark)
    button(at, "Save review").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_empty_page_points_to_the_example(app_db: str) -> None:
    at = open_page(PAGE)
    assert at.title[0].value == "Proposals"
    assert any("No proposals yet" in i.value for i in at.info)
    downloads = at.get("download_button")
    assert any(getattr(b, "label", "").startswith("Example file") for b in downloads)


def test_eligibility_counts_and_reasons(proposals_imported: str) -> None:
    at = open_page(PAGE)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Proposals"], metrics["Eligible"], metrics["Ineligible"]) == ("8", "5", "3")
    table = frame_with(at, "verdict")
    assert set(table.loc[table["verdict"].str.startswith("✓"), "proposal_id"]) == set(ELIGIBLE)
    shown = texts(at)
    # P-002 has two entities and no knowledge institution (004 section V, component 2 (i)).
    # Stored ids and titles are shown as typed (markdown characters escaped).
    assert "P\\-002: Costa Azul fish processors joint brand** is not eligible" in shown
    assert "no knowledge institution among the submitting entities" in shown
    assert "add a knowledge institution as a partner" in shown
    # Amounts keep their dollar sign (escaped so markdown does not read LaTeX).
    assert "raise committed match from US\\$160,000 to US\\$200,000" in shown


def test_review_saved_through_widgets_ranks_and_flags_disagreement(proposals_imported: str) -> None:
    at = open_page(PAGE)
    all_fives = dict.fromkeys(DEFAULT_RUBRIC.ids, 5)
    review(at, "P-001", "ana", {**all_fives, "innovation": 1})
    assert "weighted score" in at.success[0].value
    stored = fetch_reviews(db.make_engine(proposals_imported), "P-001")
    assert [r.reviewer for r in stored] == ["ana"]
    assert stored[0].by_criterion()["innovation"] == 1
    expected = DEFAULT_RUBRIC.weighted({**all_fives, "innovation": 1})
    ranking = frame_with(at, "disagreement")
    assert ranking.loc[0, "proposal_id"] == "P-001"
    assert abs(ranking.loc[0, "score"] - expected) < SCORE_TOL

    review(at, "P-001", "bea", all_fives)  # 4 points apart on innovation
    assert any("Reviewers disagree on: P-001 (innovation)" in w.value for w in at.warning)
    review(at, "P-006", "ana", dict.fromkeys(DEFAULT_RUBRIC.ids, 3))
    sens = frame_with(at, "rank_changes")
    assert len(sens) == 2 * len(DEFAULT_RUBRIC.criteria)
    assert "innovation weight +20 %" in set(sens["case"])


def test_hand_over_solves_and_explains_funding(proposals_imported: str) -> None:
    at = open_page(PAGE)
    at.button(key="proposals_plan_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    lines = frame_with(at, "why").set_index("proposal")
    assert set(lines.loc[list(ELIGIBLE), "status"]) <= {"funded", "partly funded", "not funded"}
    assert (lines["status"] == "funded").any()
    assert lines.loc["P-002", "status"] == "ineligible"
    for pid, line in lines.iterrows():  # the allocator's priced reason, not a generic one
        if line["status"] == "not funded":
            assert line["why"].startswith(f"{pid} is not funded: ")
    assert any("Reviewers' scores do not enter the allocation" in i.value for i in at.info)
    assert "Return per public dollar" in {m.label for m in at.metric}
    eng = db.make_engine(proposals_imported)
    plan = fetch_candidates(eng, "demo+proposals")
    base = fetch_candidates(eng, "demo")
    assert [c.id for c in plan] == sorted([c.id for c in base] + list(ELIGIBLE))
    assert proposal_statuses(eng)["P-002"] == "ineligible"
    assert proposal_statuses(eng)["P-001"] == "handed_over"


def test_open_the_handed_over_plan_on_the_plan_page(proposals_imported: str) -> None:
    at = open_page(PAGE)
    at.button(key="proposals_plan_go").click().run()
    at.button(key="proposals_open_plan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Plan"
    assert at.selectbox(key="plan_dataset").value == "demo+proposals"
    # The Plan page took the hand-over: reloading does not select the dataset again.
    assert OPEN_DATASET_KEY not in at.session_state


def test_viewer_sees_no_write_buttons_and_the_model_refuses(proposals_imported: str) -> None:
    eng = db.make_engine(proposals_imported)
    create_user(eng, "admin", "a-long-password-1", "admin")  # accounts exist: sign-in is on
    at = open_page(PAGE)
    assert any("read-only" in i.value for i in at.info)
    labels = {b.label for b in at.button}
    assert not labels & {
        "Import these proposals",
        "Save review",
        "Send eligible proposals to a plan and solve",
        "Save proposal",
    }
    attempt = Review(
        proposal_id="P-001",
        reviewer="intruder",
        scores=(CriterionScore(criterion="innovation", score=5),),
    )
    with pytest.raises(PermissionDenied):
        save_review(eng, attempt, user=VIEWER)
    assert fetch_reviews(eng) == []
