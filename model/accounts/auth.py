"""Local accounts, roles and permission checks (enforced in ``model/``, not by hiding buttons).

Roles, from least to most trusted:
- ``viewer``: no login; reads evidence and runs what-if plans without saving;
- ``analyst``: saves and edits scenarios;
- ``screener``: proposals, reviews, NET assessments, project indicators;
- ``admin``: data import, users, audit log, and everything above.

Passwords are stored only as Argon2id hashes (argon2-cffi). After
``MAX_FAILED_LOGINS`` failures in a row an account is locked for
``LOCKOUT_MINUTES``; a signed-in session lasts ``SESSION_HOURS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, select

from model.store.db import transaction
from model.store.orm import AuditEventRow, UserRow

Role = Literal["viewer", "analyst", "screener", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "screener", "admin")
MIN_PASSWORD_LENGTH = 12
MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 15
SESSION_HOURS = 8

# Each write action and the roles that may perform it; admin may do everything.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "scenario.save": frozenset({"analyst", "admin"}),
    "scenario.delete": frozenset({"analyst", "admin"}),
    "proposal.write": frozenset({"screener", "admin"}),
    "review.write": frozenset({"screener", "admin"}),
    "net.write": frozenset({"screener", "admin"}),
    "indicator.write": frozenset({"screener", "admin"}),
    "data.import": frozenset({"admin"}),
    "user.manage": frozenset({"admin"}),
    "audit.view": frozenset({"admin"}),
}

_hasher = PasswordHasher()


class AuthError(ValueError):
    """Sign-in failed; the message is safe to show (it never says which part was wrong)."""


class PermissionDenied(PermissionError):
    """The user's role may not perform this action."""


@dataclass(frozen=True)
class User:
    """Who is acting. ``viewer`` is the anonymous default."""

    username: str
    role: Role
    expires_at: datetime | None = None

    def is_expired(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return self.expires_at is not None and now >= self.expires_at


VIEWER = User(username="", role="viewer")


def can(user: User, action: str) -> bool:
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action '{action}'")
    if user.is_expired():
        return False
    return user.role == "admin" or user.role in PERMISSIONS[action]


def require(user: User, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may perform ``action``."""
    if user.is_expired():
        raise PermissionDenied("your session has expired; sign in again")
    if not can(user, action):
        allowed = ", ".join(sorted(PERMISSIONS[action] | {"admin"}))
        who = user.username or "a viewer (not signed in)"
        raise PermissionDenied(f"{who} may not {action.replace('.', ' ')}; needs role {allowed}")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: use at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def create_user(
    engine: Engine, username: str, password: str, role: Role, *, actor: User | None = None
) -> User:
    """Create an account. Only an admin may, except for the very first admin (``actor=None``)."""
    username = username.strip()
    if not username or len(username) > 100:
        raise ValueError("username: give 1 to 100 characters")
    if role not in ROLES or role == "viewer":
        raise ValueError("role: choose analyst, screener or admin (viewers need no account)")
    pw_hash = hash_password(password)
    with transaction(engine) as s:
        n_users = s.scalar(select(func.count()).select_from(UserRow)) or 0
        if actor is None:
            if n_users and role == "admin":
                raise PermissionDenied("an admin exists already; sign in as admin to add users")
            if role != "admin":
                raise PermissionDenied("only an admin may create this account")
        else:
            require(actor, "user.manage")
            if not n_users and role != "admin":
                # The first account turns sign-in on; without an admin nobody could manage it.
                raise ValueError("role: the first account must be an admin")
        if s.scalar(select(UserRow).where(UserRow.username == username)) is not None:
            raise ValueError(f"username: '{username}' is taken")
        s.add(UserRow(username=username, password_hash=pw_hash, role=role))
        s.add(
            AuditEventRow(
                actor=actor.username if actor else "cli:create-admin",
                action="create",
                entity="user",
                entity_key=username,
                after={"username": username, "role": role},
            )
        )
    return User(username=username, role=role)


def authenticate(
    engine: Engine, username: str, password: str, *, now: datetime | None = None
) -> User:
    """Check a password; count failures and lock the account after too many."""
    now = now or datetime.now(UTC)
    generic = AuthError("unknown username or wrong password")
    with transaction(engine) as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username.strip()))
        if row is None or not row.active:
            # Spend the same time as a real check so usernames cannot be probed by timing.
            _hasher.hash(password or "x")
            raise generic
        locked = _aware(row.locked_until)
        if locked is not None and now < locked:
            minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
            raise AuthError(f"too many failed sign-ins; try again in {minutes} minute(s)")
        try:
            _hasher.verify(row.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            row.failed_logins += 1
            if row.failed_logins >= MAX_FAILED_LOGINS:
                row.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
                row.failed_logins = 0
            failed = True
        else:
            failed = False
            row.failed_logins = 0
            row.locked_until = None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            user = User(
                username=row.username,
                role=row.role,  # type: ignore[arg-type]
                expires_at=now + timedelta(hours=SESSION_HOURS),
            )
    if failed:
        raise generic
    return user


def _aware(dt: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; they were stored as UTC.
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt


LOCAL_USER = User(username="local", role="admin")


def has_accounts(engine: Engine) -> bool:
    """Whether any account exists. With none (a fresh single-user install) there is no
    sign-in and the local user acts as admin; creating the first admin with
    ``fomento users create-admin`` turns sign-in on for everyone."""
    with transaction(engine) as s:
        return bool(s.scalar(select(func.count()).select_from(UserRow)))


def role_of(engine: Engine, username: str) -> Role:
    """The role of an active account (for single sign-on users, named by email); a
    person signed in by SSO without an account here is a viewer."""
    with transaction(engine) as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username.strip()))
        if row is None or not row.active or not username.strip():
            return "viewer"
        return row.role  # type: ignore[return-value]


def list_users(engine: Engine) -> list[tuple[str, str, bool]]:
    with transaction(engine) as s:
        return [
            (r.username, r.role, r.active)
            for r in s.scalars(select(UserRow).order_by(UserRow.username))
        ]
