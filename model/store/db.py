"""Database engine and sessions: one SQLAlchemy engine per URL, SQLite or PostgreSQL.

The URL comes from ``FOMENTO_DATABASE_URL``; without it the app uses a SQLite
file under ``var/`` in the project folder, so a fresh clone runs with no setup.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from model import PROJECT_ROOT
from model.formatting.i18n import _

ENV_URL = "FOMENTO_DATABASE_URL"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "fomento.db"

# Stable constraint names make Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url() -> str:
    """The configured database URL (``FOMENTO_DATABASE_URL`` or the default SQLite file)."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return normalise_url(url)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def safe_url(url: str) -> str:
    """``url`` as it may be shown or logged: the password replaced by ``***``."""
    try:
        return str(make_url(url).render_as_string(hide_password=True))
    except (ArgumentError, ValueError):
        return redact(url, url)


def redact(text: str, url: str | None = None) -> str:
    """``text`` (an error message, say) with the password of ``url`` (default: the
    configured database URL) taken out, in every spelling it may appear in: as
    typed, percent-decoded and percent-encoded."""
    url = url if url is not None else os.environ.get(ENV_URL, "")
    _scheme, sep, rest = url.partition("://")
    userinfo = rest.rpartition("@")[0] if sep else ""
    password = userinfo.partition(":")[2] if ":" in userinfo else ""
    if not password:
        return text
    for spelling in sorted(
        {password, unquote(password), quote(unquote(password), safe="")}, key=len, reverse=True
    ):
        if spelling:
            text = text.replace(spelling, "***")
    return text


SQLITE_BUSY_TIMEOUT_MS = 5000


class DatabaseUnavailable(ValueError):
    """The database could not be reached, or stayed locked; the transaction wrote nothing."""


def _sqlite_pragmas(busy_ms: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        # Several app processes may share one file; wait for a lock instead of failing at once.
        cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        # Write-ahead logging: readers keep reading while a long import writes (with the
        # default rollback journal a 200,000-row import locked every page out for a
        # minute). Writers still take turns: past busy_ms a second writer is refused
        # whole with a message; PostgreSQL is the choice for many writers at once.
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    return on_connect


def make_engine(url: str | None = None, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """A new engine for ``url`` (default: the configured one)."""
    url = normalise_url(url) if url else database_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        path = url[len("sqlite:///") :]
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("postgresql"):
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ValueError) as exc:
        # The message quotes the URL whole, password included: never show it.
        raise DatabaseUnavailable(
            _("the database URL {url} is not valid ({error}); check {variable}").format(
                url=safe_url(url), error=redact(str(exc), url), variable=ENV_URL
            )
        ) from None
    except ModuleNotFoundError as exc:
        raise DatabaseUnavailable(
            _("the database URL {url} needs a driver that is not installed ({driver})").format(
                url=safe_url(url), driver=exc.name
            )
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
    return engine


@cache
def engine_for(url: str) -> Engine:
    """A shared engine per URL, so connection pools are reused within a process."""
    return make_engine(url)


def default_engine() -> Engine:
    return engine_for(database_url())


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits at the end of the block, or rolls back whole.

    A database that cannot be reached or stays locked raises ``DatabaseUnavailable``
    (a ``ValueError`` the pages show as a message); nothing is written then.
    """
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        with factory() as session, session.begin():
            yield session
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        reason = redact(reason, engine.url.render_as_string(hide_password=False))
        raise DatabaseUnavailable(
            _(
                "the database is unreachable or busy ({reason}); nothing was written, try again"
            ).format(reason=reason)
        ) from exc
