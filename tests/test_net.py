"""NET: score and stage on hand-made matrices, fee shares, benchmark, file format."""

from __future__ import annotations

from datetime import date

import pytest

from model import DATA_DIR
from model.domain.candidates import Candidate
from model.screening.net import (
    INDICATORS,
    STAGES,
    NetAssessment,
    Status,
    benchmark,
    fee_schedule_for_network,
    fee_schedule_for_stage,
    fee_share_for_stage,
    history,
    matrix_cells,
    with_network_fees,
)
from model.store.importer import ImportRejected
from model.store.net_files import assessment_row_codes, parse_net_assessments

SCORE_TOL = 1e-9
STATUS_OF = {"A": "achieved", "P": "partly", "N": "not"}


def assessment(rows: list[str], on: date = date(2024, 1, 1), nid: str = "N1") -> NetAssessment:
    """Seven rows of five codes (A/P/N), stages in order."""
    cells: tuple[tuple[Status, ...], ...] = tuple(
        tuple(STATUS_OF[c] for c in r)  # type: ignore[misc]
        for r in rows
    )
    return NetAssessment(network_id=nid, assessed_on=on, cells=cells)


def test_score_counts_partly_as_half() -> None:
    # 14 achieved (two stages) + 7 partly (pilot) = 17.5 of 35 = 0.5
    a = assessment(["AAPNN"] * 7)
    assert a.score == pytest.approx(0.5, abs=SCORE_TOL)
    assert assessment(["AAAAA"] * 7).score == 1.0
    assert assessment(["NNNNN"] * 7).score == 0.0


def test_stage_is_the_last_stage_mostly_achieved_in_sequence() -> None:
    assert assessment(["AAPNN"] * 7).stage == "strategic_planning"
    # Pilot projects achieved on exactly 4 of 7 indicators: a majority, so reached.
    four = ["AAANN"] * 4 + ["AAPNN"] * 3
    assert assessment(four).stage == "pilot_projects"
    three = ["AAANN"] * 3 + ["AAPNN"] * 4
    assert assessment(three).stage == "strategic_planning"
    assert assessment(["AAAAA"] * 7).stage == "self_management"


def test_a_later_stage_does_not_count_before_an_earlier_one() -> None:
    # Promotion achieved on only 3 indicators: no stage, whatever comes after.
    rows = ["AAAAA"] * 3 + ["PAAAA"] * 4
    a = assessment(rows)
    assert a.stage is None
    assert a.achieved_in("self_management") == 7


def test_matrix_must_be_seven_by_five() -> None:
    with pytest.raises(ValueError, match="needs 7 indicator rows"):
        assessment(["AAAAA"] * 6)
    with pytest.raises(ValueError, match="needs 5 stage cells"):
        assessment(["AAAA"] + ["AAAAA"] * 6)


def test_fee_share_follows_the_emasim_path() -> None:
    assert [fee_share_for_stage(s) for s in STAGES] == [0.0, 0.0, 0.2, 0.4, 0.6]
    assert fee_share_for_stage(None) == 0.0
    assert fee_schedule_for_stage("pilot_projects", 3) == (0.2, 0.2, 0.2)
    # Moving up a stage every year: pilot 0.2, strategic 0.4, self-management 0.6 and holds.
    assert fee_schedule_for_stage("pilot_projects", 4, years_per_stage=1) == (0.2, 0.4, 0.6, 0.6)
    assert fee_schedule_for_stage(None, 3, years_per_stage=2) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="years must be"):
        fee_schedule_for_stage("promotion", 0)


def test_fee_schedule_uses_the_latest_assessment() -> None:
    old = assessment(["NNNNN"] * 7, date(2023, 1, 1))
    new = assessment(["AAANN"] * 7, date(2024, 1, 1))
    assert fee_schedule_for_network([new, old], "N1", 2) == (0.2, 0.2)
    with pytest.raises(ValueError, match="no NET assessment"):
        fee_schedule_for_network([new], "N9", 2)


def test_history_and_benchmark() -> None:
    a1 = assessment(["NNNNN"] * 7, date(2023, 1, 1), "N1")
    a2 = assessment(["AAPNN"] * 7, date(2024, 1, 1), "N1")
    b1 = assessment(["AAAAA"] * 7, date(2024, 6, 1), "N2")
    c1 = assessment(["ANNNN"] * 7, date(2024, 6, 1), "N3")  # 7/35 = 0.2
    pts = history([a2, b1, a1], "N1")
    assert [(p.assessed_on.year, p.score) for p in pts] == [(2023, 0.0), (2024, 0.5)]
    rows = benchmark([a1, a2, b1, c1])
    assert [(r.rank, r.network_id) for r in rows] == [(1, "N2"), (2, "N1"), (3, "N3")]
    n1 = rows[1]
    assert n1.change_since_first == pytest.approx(0.5, abs=SCORE_TOL)
    assert n1.vs_median == pytest.approx(0.0, abs=SCORE_TOL)  # median of 1.0, 0.5, 0.2
    assert rows[0].vs_median == pytest.approx(0.5, abs=SCORE_TOL)


def test_heatmap_cells_in_long_format() -> None:
    cells = matrix_cells(assessment(["APNNN"] * 7))
    assert len(cells) == 35
    first = cells[0]
    assert (first.indicator, first.stage, first.status, first.value) == (
        "group_cohesion",
        "promotion",
        "achieved",
        1.0,
    )
    assert cells[1].value == 0.5 and cells[2].value == 0.0


def test_example_file_parses_and_networks_progress() -> None:
    path = DATA_DIR / "net_example.csv"
    items = parse_net_assessments(path.read_bytes(), path.name)
    assert {a.network_id for a in items} == {"N-METAL", "N-HAMMOCK", "N-WOOD"}
    for nid in ("N-METAL", "N-HAMMOCK", "N-WOOD"):
        scores = [p.score for p in history(items, nid)]
        assert scores == sorted(scores) and scores[-1] > scores[0]
    hammock = history(items, "N-HAMMOCK")[-1]
    assert hammock.stage == "self_management"
    assert assessment_row_codes(items[0])["group_cohesion"] == "PNNNN"


def test_bad_net_file_names_row_and_column() -> None:
    header = "network_id,assessed_on," + ",".join(INDICATORS)
    good = ",".join(["AAPNN"] * 7)
    text = (
        f"{header}\n"
        f"N1,2024-01-01,{good}\n"
        f"N1,2024-13-01,{good}\n"
        f"N2,2024-01-01,AAPN,{','.join(['AAPNN'] * 6)}\n"
        f"N1,2024-01-01,{good}\n"
    )
    with pytest.raises(ImportRejected) as info:
        parse_net_assessments(text.encode(), "net.csv")
    where = {(p.row, p.column) for p in info.value.problems}
    assert where == {(3, "assessed_on"), (4, "group_cohesion"), (5, "assessed_on")}


def test_network_stage_sets_a_broker_candidates_fee_schedule() -> None:
    broker = Candidate(
        id="B1",
        name="Broker",
        kind="broker_programme",
        region="Norte",
        cost_by_year=(100.0, 100.0, 100.0),
        enterprises=1,
        enterprises_low=1,
        enterprises_high=1,
        jobs=0,
        jobs_low=0,
        jobs_high=0,
        benefit=0,
        benefit_low=0,
        benefit_high=0,
    )
    strategic = assessment(["AAAAN"] * 7)
    out = with_network_fees(broker, [strategic], "N1", years_per_stage=1)
    assert out.fee_schedule == (0.4, 0.6, 0.6)
    assert out.fee_share(3) == 0.6
    grant = broker.model_copy(update={"kind": "matching_grant"})
    with pytest.raises(ValueError, match="NET fees apply to broker programmes"):
        with_network_fees(grant, [strategic], "N1")
