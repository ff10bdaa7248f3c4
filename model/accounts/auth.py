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

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import CursorResult, Engine, func, or_, select, update
from sqlalchemy.orm import Session

from model.formatting.i18n import N_, Labels, _, ngettext
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

# Role names and actions as a person reads them (the codes stay keys everywhere else).
ROLE_LABELS = Labels(
    {
        "viewer": N_("viewer"),
        "analyst": N_("analyst"),
        "screener": N_("screener"),
        "admin": N_("admin"),
    }
)
ACTION_LABELS = Labels(
    {
        "scenario.save": N_("scenario save"),
        "scenario.delete": N_("scenario delete"),
        "proposal.write": N_("proposal write"),
        "review.write": N_("review write"),
        "net.write": N_("net write"),
        "indicator.write": N_("indicator write"),
        "data.import": N_("data import"),
        "user.manage": N_("user manage"),
        "audit.view": N_("audit view"),
    }
)

_hasher = PasswordHasher()
# After NFKC and casefold: ASCII letters, digits and . _ - + @ (so e-mail addresses of
# single sign-on users fit). No spaces, zero-width or direction marks, lookalike letters
# from other scripts, newlines or HTML: a name must read the same to everyone.
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._+@-]{0,99}$")
USERNAME_RULE = N_(
    "username: use 1 to 100 characters, letters a-z, digits and . _ - + @, "
    "starting with a letter or digit"
)


def normalise_username(username: object) -> str:
    """The canonical form of a username (NFKC, casefolded, trimmed); ``ValueError``
    if it has characters outside the safe set."""
    if not isinstance(username, str):
        raise ValueError(_(USERNAME_RULE))
    name = unicodedata.normalize("NFKC", username).casefold().strip()
    if not USERNAME_PATTERN.match(name):
        raise ValueError(_(USERNAME_RULE))
    return name


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
        raise PermissionDenied(_("your session has expired; sign in again"))
    if not can(user, action):
        allowed = ", ".join(ROLE_LABELS[r] for r in sorted(PERMISSIONS[action] | {"admin"}))
        who = user.username or _("a viewer (not signed in)")
        raise PermissionDenied(
            _("{who} may not {action}; needs role {roles}").format(
                who=who, action=ACTION_LABELS[action], roles=allowed
            )
        )


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(_("password: use at least {n} characters").format(n=MIN_PASSWORD_LENGTH))
    return _hasher.hash(password)


def create_user(
    engine: Engine, username: str, password: str, role: Role, *, actor: User | None = None
) -> User:
    """Create an account. Only an admin may, except for the very first admin (``actor=None``)."""
    username = normalise_username(username)
    if role not in ROLES or role == "viewer":
        raise ValueError(_("role: choose analyst, screener or admin (viewers need no account)"))
    pw_hash = hash_password(password)
    with transaction(engine) as s:
        n_users = s.scalar(select(func.count()).select_from(UserRow)) or 0
        if actor is None:
            if n_users and role == "admin":
                raise PermissionDenied(_("an admin exists already; sign in as admin to add users"))
            if role != "admin":
                raise PermissionDenied(_("only an admin may create this account"))
        else:
            require(actor, "user.manage")
            if not n_users and role != "admin":
                # The first account turns sign-in on; without an admin nobody could manage it.
                raise ValueError(_("role: the first account must be an admin"))
        if s.scalar(select(UserRow).where(UserRow.username == username)) is not None:
            raise ValueError(_("username: '{username}' is taken").format(username=username))
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
    engine: Engine, username: str | None, password: str | None, *, now: datetime | None = None
) -> User:
    """Check a password; count failures and lock the account after too many.

    The failure count is raised atomically (``UPDATE ... SET failed_logins =
    failed_logins + 1``, which holds the row lock until commit) and committed *before*
    the password is checked, so parallel sign-ins cannot all read the same count: at
    most ``MAX_FAILED_LOGINS`` passwords are ever checked per lockout. A correct
    password sets the count back to zero.
    """
    now = now or datetime.now(UTC)
    generic = AuthError(_("unknown username or wrong password"))
    password = password if isinstance(password, str) else ""
    try:
        name = normalise_username(username)
    except ValueError:
        name = ""
    if not name or "\x00" in password:
        _hasher.hash(password.replace("\x00", "") or "x")  # same time as a real check
        raise generic
    with transaction(engine) as s:
        claimed = cast(
            CursorResult[Any],
            s.execute(
                update(UserRow)
                .where(
                    UserRow.username == name,
                    UserRow.active.is_(True),
                    or_(UserRow.locked_until.is_(None), UserRow.locked_until <= now),
                )
                .values(failed_logins=UserRow.failed_logins + 1)
            ),
        ).rowcount
        row = s.scalar(select(UserRow).where(UserRow.username == name))
        attempt = row.failed_logins if row is not None else 0
        stored_hash = row.password_hash if row is not None else ""
        role = row.role if row is not None else "viewer"
        locked = _aware(row.locked_until) if row is not None else None
        active = bool(row.active) if row is not None else False
    if row is None or not active:
        _hasher.hash(password or "x")  # usernames cannot be probed by timing
        raise generic
    if not claimed:
        minutes = max(1, int(((locked or now) - now).total_seconds() // 60) + 1)
        raise AuthError(
            ngettext(
                "too many failed sign-ins; try again in {n} minute(s)",
                "too many failed sign-ins; try again in {n} minute(s)",
                minutes,
            ).format(n=minutes)
        )
    if attempt > MAX_FAILED_LOGINS:
        # Parallel attempts have used up the allowance: refuse this one unchecked and hand
        # its claim back (it is not a failure; the checked ones decide on the lock).
        with transaction(engine) as s:
            s.execute(
                update(UserRow)
                .where(UserRow.username == name, UserRow.failed_logins > 0)
                .values(failed_logins=UserRow.failed_logins - 1)
            )
        raise AuthError(_("too many sign-in attempts at once; wait a moment and try again"))
    try:
        _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        if attempt >= MAX_FAILED_LOGINS:
            _lock(engine, name, now)
        raise generic from None
    with transaction(engine) as s:
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if _hasher.check_needs_rehash(stored_hash):
            values["password_hash"] = _hasher.hash(password)
        s.execute(update(UserRow).where(UserRow.username == name).values(**values))
    return User(
        username=name,
        role=role,  # type: ignore[arg-type]
        expires_at=now + timedelta(hours=SESSION_HOURS),
    )


def _lock(engine: Engine, name: str, now: datetime) -> datetime:
    """Lock ``name`` for ``LOCKOUT_MINUTES`` (unless a lock is on already); when it ends
    the count starts again from zero."""
    until = now + timedelta(minutes=LOCKOUT_MINUTES)
    with transaction(engine) as s:
        s.execute(
            update(UserRow)
            .where(
                UserRow.username == name,
                or_(UserRow.locked_until.is_(None), UserRow.locked_until <= now),
            )
            .values(locked_until=until, failed_logins=0)
        )
        row = s.scalar(select(UserRow.locked_until).where(UserRow.username == name))
    return _aware(row) or until


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
    try:
        name = normalise_username(username)
    except ValueError:
        return "viewer"
    with transaction(engine) as s:
        row = s.scalar(select(UserRow).where(UserRow.username == name))
        if row is None or not row.active:
            return "viewer"
        return row.role  # type: ignore[return-value]


def list_users(engine: Engine) -> list[tuple[str, str, bool]]:
    with transaction(engine) as s:
        return [
            (r.username, r.role, r.active)
            for r in s.scalars(select(UserRow).order_by(UserRow.username))
        ]


def _managed_row(s: Session, username: str) -> UserRow:
    name = normalise_username(username)
    row = s.scalar(select(UserRow).where(UserRow.username == name).with_for_update())
    if row is None:
        raise ValueError(_("username: no account '{username}'").format(username=name))
    return row


def _other_active_admins(s: Session, name: str) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(UserRow)
            .where(UserRow.role == "admin", UserRow.active.is_(True), UserRow.username != name)
        )
        or 0
    )


def manage_account(
    engine: Engine,
    actor: User | None,
    username: str,
    *,
    unlock: bool = False,
    password: str | None = None,
    active: bool | None = None,
    role: Role | None = None,
) -> str:
    """Unlock an account, reset its password, disable/enable it or change its role, with
    one audit event; returns what was done. An admin does it in the app; ``actor=None``
    is the command line (whoever runs it holds the database credentials already).
    The last active admin cannot be disabled or demoted: nobody could manage accounts."""
    if actor is not None:
        require(actor, "user.manage")
    if role is not None and (role not in ROLES or role == "viewer"):
        raise ValueError(_("role: choose analyst, screener or admin"))
    new_hash = hash_password(password) if password is not None else None
    done: list[str] = []  # what was done, in English for the audit log
    said: list[str] = []  # the same in the reader's language
    with transaction(engine) as s:
        row = _managed_row(s, username)
        before = {"role": row.role, "active": row.active, "locked": row.locked_until is not None}
        losing_admin = row.role == "admin" and (
            active is False or (role is not None and role != "admin")
        )
        if losing_admin and row.active and not _other_active_admins(s, row.username):
            raise ValueError(
                _(
                    "'{username}' is the only active admin: add or enable another admin first"
                ).format(username=row.username)
            )
        if unlock or new_hash is not None:
            row.failed_logins = 0
            row.locked_until = None
            done.append("unlocked")
            said.append(_("unlocked"))
        if new_hash is not None:
            row.password_hash = new_hash
            done.append("password reset")
            said.append(_("password reset"))
        if active is not None and active != row.active:
            row.active = active
            done.append("enabled" if active else "disabled")
            said.append(_("enabled") if active else _("disabled"))
        if role is not None and role != row.role:
            row.role = role
            done.append(f"role {role}")
            said.append(_("role {role}").format(role=ROLE_LABELS[role]))
        s.add(
            AuditEventRow(
                actor=actor.username if actor else "cli",
                action="update",
                entity="user",
                entity_key=row.username,
                before=before,
                after={"role": row.role, "active": row.active, "done": done},
            )
        )
    return _("{username}: {done}").format(
        username=row.username, done=", ".join(said) if said else _("nothing to change")
    )


def refresh_user(engine: Engine, user: User) -> User:
    """The signed-in ``user`` as the account is now: a disabled or deleted account
    becomes a viewer and a changed role applies at once (the app calls this on every
    run, so a demoted account's open session cannot write with its old role)."""
    if not user.username or user.role == "viewer":
        return user
    with transaction(engine) as s:
        row = s.scalar(select(UserRow).where(UserRow.username == user.username))
        if row is None or not row.active:
            return VIEWER
        if row.role != user.role:
            return User(user.username, row.role, user.expires_at)  # type: ignore[arg-type]
    return user
