"""Accounts under attack (issue 17): the lockout holds under parallel sign-ins on both
databases, usernames are normalised, bad input never raises, admins can unlock,
reset, disable and demote, and an open session follows the account."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import Engine, select

from model.accounts import auth
from model.accounts.auth import (
    MAX_FAILED_LOGINS,
    AuthError,
    PermissionDenied,
    User,
    authenticate,
    create_user,
    manage_account,
    refresh_user,
)
from model.cli import main
from model.store import db
from model.store.db import transaction
from model.store.orm import UserRow

PASSWORD = "correct horse battery"
PARALLEL = 20


class CountingHasher:
    """Wraps the real Argon2 hasher and counts the passwords it checks."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.verified = 0
        self.lock = threading.Lock()

    def verify(self, *args: Any) -> Any:
        with self.lock:
            self.verified += 1
        return self.inner.verify(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _burst(engine: Engine, password: str, n: int) -> Counter[str]:
    barrier = threading.Barrier(n)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        try:
            authenticate(engine, "ana", password)
            outcome = "signed in"
        except AuthError as exc:
            text = str(exc)
            outcome = "locked" if "failed" in text else "busy" if "at once" in text else "wrong"
        except db.DatabaseUnavailable:
            outcome = "busy"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_parallel_wrong_passwords_cannot_outrun_the_lockout(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20 parallel wrong passwords used to be checked all 20 with a stored count of 2."""
    create_user(engine, "ana", PASSWORD, "admin")
    counting = CountingHasher(auth._hasher)
    monkeypatch.setattr(auth, "_hasher", counting)
    for _ in range(3):  # three bursts: the lock holds across them
        outcomes = _burst(engine, "wrong password!!", PARALLEL)
        assert outcomes["signed in"] == 0
        assert sum(outcomes.values()) == PARALLEL
    assert counting.verified <= MAX_FAILED_LOGINS
    with pytest.raises(AuthError, match="too many failed sign-ins"):
        authenticate(engine, "ana", PASSWORD)  # even the right password waits out the lock
    with transaction(engine) as s:
        row = s.scalar(select(UserRow).where(UserRow.username == "ana"))
        assert row is not None and row.locked_until is not None


def test_parallel_right_passwords_all_sign_in(engine: Engine) -> None:
    """Right passwords in parallel are never locked out (past the allowance they are
    asked to try again), and the count is back to zero after."""
    create_user(engine, "ana", PASSWORD, "admin")
    outcomes = _burst(engine, PASSWORD, 8)
    assert outcomes["signed in"] + outcomes["busy"] == 8 and outcomes["signed in"] >= 1
    assert outcomes["locked"] == outcomes["wrong"] == 0
    with transaction(engine) as s:
        row = s.scalar(select(UserRow).where(UserRow.username == "ana"))
        assert row is not None and row.locked_until is None and row.failed_logins == 0
    assert authenticate(engine, "ana", PASSWORD).role == "admin"


@pytest.mark.parametrize(
    "name",
    [
        "an\u200ba",  # zero-width space
        "\u0430na",  # Cyrillic a
        "ana\u202e",  # right-to-left override
        "ana\nroot",
        "<b>ana</b>",
        "",
        "x" * 101,
        "an a",
        "ana\x00",
    ],
)
def test_unsafe_usernames_are_refused(engine: Engine, name: str) -> None:
    with pytest.raises(ValueError, match="username: use 1 to 100 characters"):
        create_user(engine, name, PASSWORD, "admin")


def test_usernames_are_normalised(engine: Engine) -> None:
    user = create_user(engine, "  Ana.Lopez@Example.org ", PASSWORD, "admin")
    assert user.username == "ana.lopez@example.org"
    assert authenticate(engine, "ANA.LOPEZ@EXAMPLE.ORG", PASSWORD).username == user.username
    assert authenticate(engine, "\uff41na.lopez@example.org", PASSWORD)  # fullwidth a (NFKC)
    with pytest.raises(ValueError, match="taken"):
        create_user(engine, "ana.lopez@example.ORG", PASSWORD, "analyst", actor=user)


@pytest.mark.parametrize(
    ("username", "password"),
    [("ana", None), (None, PASSWORD), ("ana\x00", PASSWORD), ("ana", "pass\x00word"), (3, "x")],
)
def test_odd_sign_in_input_is_a_plain_refusal(engine: Engine, username: Any, password: Any) -> None:
    """authenticate(None) raised TypeError; a NUL byte raised PostgreSQL's DataError."""
    create_user(engine, "ana", PASSWORD, "admin")
    with pytest.raises(AuthError, match="unknown username or wrong password"):
        authenticate(engine, username, password)


def test_admin_unlocks_resets_disables_and_demotes(engine: Engine) -> None:
    admin = create_user(engine, "ana", PASSWORD, "admin")
    create_user(engine, "luis", PASSWORD, "analyst", actor=admin)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthError):
            authenticate(engine, "luis", "nope nope nope")
    with pytest.raises(AuthError, match="too many"):
        authenticate(engine, "luis", PASSWORD)
    assert "unlocked" in manage_account(engine, admin, "luis", unlock=True)
    session = authenticate(engine, "luis", PASSWORD)
    manage_account(engine, admin, "luis", password="a brand new password")
    with pytest.raises(AuthError):
        authenticate(engine, "luis", PASSWORD)
    assert authenticate(engine, "luis", "a brand new password")
    manage_account(engine, admin, "luis", role="screener")
    assert refresh_user(engine, session).role == "screener"  # the open session follows
    manage_account(engine, admin, "luis", active=False)
    assert refresh_user(engine, session) == auth.VIEWER
    with pytest.raises(AuthError):
        authenticate(engine, "luis", "a brand new password")
    with pytest.raises(PermissionDenied):
        manage_account(engine, User("luis", "analyst"), "ana", unlock=True)
    with pytest.raises(ValueError, match="only active admin"):
        manage_account(engine, admin, "ana", active=False)
    with pytest.raises(ValueError, match="only active admin"):
        manage_account(engine, admin, "ana", role="analyst")


def test_cli_unlocks_the_only_admin(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Anyone could keep the only admin locked out: the command line can unlock it."""
    monkeypatch.setenv(db.ENV_URL, db_url)
    eng = db.make_engine(db_url)
    create_user(eng, "ana", PASSWORD, "admin")
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthError):
            authenticate(eng, "ana", "nope nope nope")
    assert main(["users", "unlock", "ana"]) == 0
    assert authenticate(eng, "ana", PASSWORD).role == "admin"
    assert main(["users", "set-role", "ana", "analyst"]) == 2
    assert "only active admin" in capsys.readouterr().err
    assert main(["users", "disable", "nobody"]) == 2
    eng.dispose()


def test_a_screener_cannot_overwrite_another_reviewers_scores(engine: Engine) -> None:
    """Mia saved a review under 'rm' and replaced rm's eight scores with one."""
    from model import DATA_DIR
    from model.accounts.audit import fetch_audit
    from model.screening.rubric import CriterionScore, Review
    from model.store.proposal_files import import_proposals
    from model.store.screening import fetch_reviews, save_review

    admin = User("ana", "admin")
    rm, mia = User("rm", "screener"), User("mia", "screener")
    example = DATA_DIR / "proposals_example.csv"
    import_proposals(engine, example.read_bytes(), example.name, user=admin)
    pid = "P-001"
    own = Review(
        proposal_id=pid,
        reviewer="rm",
        scores=(
            CriterionScore(criterion="innovation", score=4),
            CriterionScore(criterion="governance", score=3),
        ),
    )
    save_review(engine, own, user=rm)
    forged = own.model_copy(update={"scores": (CriterionScore(criterion="innovation", score=0),)})
    with pytest.raises(PermissionDenied, match="only their own review"):
        save_review(engine, forged, user=mia)
    (kept,) = fetch_reviews(engine, pid)
    assert kept.by_criterion() == own.by_criterion()
    save_review(engine, forged, user=admin)  # an admin may act for rm, recorded as such
    assert fetch_reviews(engine, pid) == [forged]
    events = [e for e in fetch_audit(engine, admin, entity="proposal_reviews")]
    assert any(e.action == "review_for" and e.actor == "ana" for e in events)


def test_admin_page_unlocks_and_a_disabled_session_loses_its_rights(app_db: str) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.test_pages import APP, TIMEOUT_S

    eng = db.make_engine(app_db)
    admin = create_user(eng, "ana", PASSWORD, "admin")
    create_user(eng, "luis", PASSWORD, "analyst", actor=admin)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthError):
            authenticate(eng, "luis", "nope nope nope")
    luis_session = User("luis", "analyst", expires_at=authenticate(eng, "ana", PASSWORD).expires_at)

    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state["auth_user"] = authenticate(eng, "ana", PASSWORD)
    at.run()
    at.switch_page("pages/admin.py")
    at.run()
    at.selectbox(key="admin_manage_username").set_value("luis")
    at.selectbox(key="admin_manage_action").set_value("Unlock")
    at.button[-1].click().run()  # the form's Apply button
    assert not at.exception, [e.value for e in at.exception]
    assert any("luis: unlocked" in s.value for s in at.success)
    assert authenticate(eng, "luis", PASSWORD).role == "analyst"

    manage_account(eng, admin, "luis", active=False)
    other = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    other.session_state["auth_user"] = luis_session  # signed in before being disabled
    other.run()
    assert not other.exception
    assert "auth_user" not in other.session_state
    eng.dispose()
