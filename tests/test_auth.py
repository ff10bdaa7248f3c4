"""Accounts and permissions on SQLite and PostgreSQL: hashing, lockout, expiry, role matrix."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from model.accounts.auth import (
    LOCKOUT_MINUTES,
    MAX_FAILED_LOGINS,
    PERMISSIONS,
    ROLES,
    VIEWER,
    AuthError,
    PermissionDenied,
    User,
    authenticate,
    can,
    create_user,
    require,
)
from model.cli import main
from model.store.db import transaction
from model.store.orm import AuditEventRow, UserRow

PASSWORD = "correct horse battery"
T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def test_first_admin_then_only_admins_add_users(engine: Engine) -> None:
    admin = create_user(engine, "ana", PASSWORD, "admin")
    with pytest.raises(PermissionDenied):
        create_user(engine, "eve", PASSWORD, "admin")  # no second unauthenticated admin
    analyst = create_user(engine, "luis", PASSWORD, "analyst", actor=admin)
    with pytest.raises(PermissionDenied):
        create_user(engine, "mia", PASSWORD, "screener", actor=analyst)
    with transaction(engine) as s:
        row = s.scalar(select(UserRow).where(UserRow.username == "ana"))
        assert row is not None and row.password_hash.startswith("$argon2id$")
        assert PASSWORD not in row.password_hash
        assert len(list(s.scalars(select(AuditEventRow)))) == 2


def test_short_password_and_taken_username_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="at least 12"):
        create_user(engine, "ana", "short", "admin")
    create_user(engine, "ana", PASSWORD, "admin")
    with pytest.raises(ValueError, match="taken"):
        create_user(engine, "ana", PASSWORD, "analyst", actor=User("ana", "admin"))


def test_sign_in_locks_after_repeated_failures(engine: Engine) -> None:
    create_user(engine, "ana", PASSWORD, "admin")
    user = authenticate(engine, "ana", PASSWORD, now=T0)
    assert user.role == "admin" and user.expires_at is not None
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthError, match="wrong password"):
            authenticate(engine, "ana", "not the password", now=T0)
    # Locked now, even with the right password...
    with pytest.raises(AuthError, match="too many failed sign-ins"):
        authenticate(engine, "ana", PASSWORD, now=T0 + timedelta(minutes=1))
    # ...until the lockout passes.
    later = T0 + timedelta(minutes=LOCKOUT_MINUTES + 1)
    assert authenticate(engine, "ana", PASSWORD, now=later).username == "ana"


def test_unknown_user_gets_the_same_message(engine: Engine) -> None:
    with pytest.raises(AuthError, match="unknown username or wrong password"):
        authenticate(engine, "nobody", PASSWORD)


def test_expired_session_may_not_write() -> None:
    user = User("ana", "admin", expires_at=T0)
    assert user.is_expired(T0 + timedelta(seconds=1))
    with pytest.raises(PermissionDenied, match="expired"):
        require(user, "scenario.save")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(PERMISSIONS))
def test_role_matrix(role: str, action: str) -> None:
    user = VIEWER if role == "viewer" else User("u", role)  # type: ignore[arg-type]
    expected = role == "admin" or role in PERMISSIONS[action]
    assert can(user, action) is expected
    if expected:
        require(user, action)
    else:
        with pytest.raises(PermissionDenied):
            require(user, action)
    assert not can(VIEWER, action)


def test_cli_create_admin_reads_the_password_from_stdin(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOMENTO_DATABASE_URL", db_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "create-admin", "--username", "root", "--password-stdin"]) == 0
    assert main(["users", "list"]) == 0
    assert "root\tadmin\tactive" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "create-admin", "--username", "two", "--password-stdin"]) == 2
