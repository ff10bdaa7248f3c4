"""Proposals carry a version: stale or clashing saves are refused, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from model import DATA_DIR
from model.accounts.auth import User
from model.store.db import make_engine
from model.store.proposal_files import (
    StaleProposal,
    fetch_proposals,
    parse_proposals,
    save_proposals,
)

MIA = User("mia", "screener")
LEO = User("leo", "screener")
EXAMPLE = parse_proposals((DATA_DIR / "proposals_example.csv").read_bytes(), "p.csv")
FIRST = EXAMPLE[0]


def _stored(url: str) -> dict[str, str]:
    eng = make_engine(url)
    try:
        return {p.proposal_id: p.title for p in fetch_proposals(eng)}
    finally:
        eng.dispose()


def test_a_new_proposal_never_overwrites_an_existing_one(db_url: str) -> None:
    eng = make_engine(db_url)
    save_proposals(eng, [FIRST], user=MIA, expected_versions={FIRST.proposal_id: None})
    clash = FIRST.model_copy(update={"title": "Someone else's proposal"})
    with pytest.raises(StaleProposal, match="exists already"):
        save_proposals(eng, [clash], user=LEO, expected_versions={FIRST.proposal_id: None})
    eng.dispose()
    assert _stored(db_url)[FIRST.proposal_id] == FIRST.title


def test_an_edit_based_on_a_stale_version_is_refused(db_url: str) -> None:
    # Two screeners, two engines: both open version 1; the first save wins.
    e1, e2 = make_engine(db_url), make_engine(db_url)
    try:
        save_proposals(e1, [FIRST], user=MIA)
        pid = FIRST.proposal_id
        save_proposals(
            e1,
            [FIRST.model_copy(update={"title": "Mia's edit"})],
            user=MIA,
            expected_versions={pid: 1},
        )
        with pytest.raises(StaleProposal, match="changed by someone else"):
            save_proposals(
                e2,
                [FIRST.model_copy(update={"title": "Leo's edit"})],
                user=LEO,
                expected_versions={pid: 1},
            )
    finally:
        e1.dispose()
        e2.dispose()
    assert _stored(db_url)[FIRST.proposal_id] == "Mia's edit"


def test_simultaneous_first_saves_keep_exactly_one(db_url: str) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(user: User) -> None:
        eng = make_engine(db_url)
        barrier.wait()
        try:
            mine = FIRST.model_copy(update={"title": f"by {user.username}"})
            save_proposals(eng, [mine], user=user, expected_versions={FIRST.proposal_id: None})
            outcomes.append("saved")
        except StaleProposal:
            outcomes.append("refused")
        except Exception as exc:  # SQLite may report its lock instead
            outcomes.append(type(exc).__name__)
        finally:
            eng.dispose()

    threads = [threading.Thread(target=worker, args=(u,)) for u in (MIA, LEO)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("saved") == 1, outcomes
    assert _stored(db_url)[FIRST.proposal_id] in {"by mia", "by leo"}
