"""Shared fixtures: real databases (SQLite files and PostgreSQL), seeded copies, strict mode.

Each test gets its own database copied from a per-session template that is
already migrated (and, for ``seeded_*``, seeded): a file copy on SQLite,
``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. So tests never share rows.

Strict mode (``CI`` or ``FOMENTO_STRICT`` set): a missing PostgreSQL server or
Chromium fails the run instead of skipping, and any skipped test fails it too.

Hypothesis profiles (tests/profiles.py): ``ci`` (full example counts; always in strict
mode) and ``dev`` (a tenth; ``FOMENTO_HYPOTHESIS=dev``, as ``make quick`` sets).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from model.store import db, migrate
from model.store.seed import seed, seed_baseline
from tests import profiles

profiles.register()

# The browser fixtures (server, browser, page) live with the browser harness.
pytest_plugins = ["tests.browser"]

PG_ADMIN_URL = os.environ.get(
    "FOMENTO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
STRICT = profiles.STRICT  # CI or FOMENTO_STRICT set
BACKENDS = ("sqlite", "postgresql")


def unavailable(reason: str) -> None:
    """Skip locally; in strict mode (CI) a missing service is a failure."""
    if STRICT:
        pytest.fail(f"{reason} (strict mode: CI or FOMENTO_STRICT is set)")
    pytest.skip(reason)


class PgServer:
    """Creates and drops uniquely named databases on the PostgreSQL test server."""

    def __init__(self, admin_url: str):
        self.admin = sa.create_engine(db.normalise_url(admin_url), isolation_level="AUTOCOMMIT")
        self.prefix = f"fomento_t_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def create(self, suffix: str, template: str | None = None) -> str:
        name = f"{self.prefix}_{suffix}"
        tmpl = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"{tmpl}'))
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        for name in list(self.created):
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        server = PgServer(PG_ADMIN_URL)
        with server.admin.connect() as c:
            c.execute(sa.text("SELECT 1"))
    except Exception as exc:
        unavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}")
    yield server
    server.close()


class Templates:
    """Per-session migrated (and seeded) templates, made on first use."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.sqlite: dict[bool, Path] = {}
        self.pg: dict[bool, str] = {}

    def sqlite_copy(self, seeded: bool) -> str:
        if seeded not in self.sqlite:
            path = self.tmp / f"template_{'seeded' if seeded else 'empty'}.db"
            eng = db.make_engine(f"sqlite:///{path}")
            migrate.upgrade(eng)
            if seeded:
                seed(eng)
                seed_baseline(eng)
            eng.dispose()
            self.sqlite[seeded] = path
        copy = self.tmp / f"t_{uuid.uuid4().hex[:10]}.db"
        shutil.copy(self.sqlite[seeded], copy)
        return f"sqlite:///{copy}"

    def pg_copy(self, server: PgServer, seeded: bool) -> str:
        if seeded not in self.pg:
            name = server.create("tmpl_seeded" if seeded else "tmpl_empty")
            eng = db.make_engine(server.url(name))
            migrate.upgrade(eng)
            if seeded:
                seed(eng)
                seed_baseline(eng)
            eng.dispose()
            self.pg[seeded] = name
        name = server.create(uuid.uuid4().hex[:10], template=self.pg[seeded])
        return server.url(name)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    return Templates(tmp_path_factory.mktemp("dbtemplates"))


def _make_url(request: pytest.FixtureRequest, templates: Templates, seeded: bool) -> str:
    backend = request.param
    if backend == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        return templates.pg_copy(server, seeded)
    return templates.sqlite_copy(seeded)


def _engine(url: str) -> Iterator[Engine]:
    eng = db.make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, templates: Templates) -> str:
    """A migrated, empty database on each backend."""
    return _make_url(request, templates, seeded=False)


@pytest.fixture(params=BACKENDS)
def seeded_url(request: pytest.FixtureRequest, templates: Templates) -> str:
    """A migrated database with the shipped data, on each backend."""
    return _make_url(request, templates, seeded=True)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    yield from _engine(db_url)


@pytest.fixture
def seeded_engine(seeded_url: str) -> Iterator[Engine]:
    yield from _engine(seeded_url)


@pytest.fixture
def app_db(templates: Templates, monkeypatch: pytest.MonkeyPatch) -> str:
    """A seeded SQLite database that the app under test (AppTest) uses."""
    url = templates.sqlite_copy(seeded=True)
    monkeypatch.setenv(db.ENV_URL, url)
    return url


@pytest.fixture
def proposals_imported(app_db: str) -> str:
    """``app_db`` with the shipped example proposals imported (data/proposals_example.csv)."""
    from model import DATA_DIR
    from model.accounts.auth import LOCAL_USER
    from model.store.proposal_files import import_proposals

    example = DATA_DIR / "proposals_example.csv"
    eng = db.make_engine(app_db)
    try:
        import_proposals(eng, example.read_bytes(), example.name, user=LOCAL_USER)
    finally:
        eng.dispose()
    return app_db


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not STRICT:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and exitstatus == 0:
        print(f"\nstrict mode: {skipped} test(s) were skipped; failing the run")
        session.exitstatus = 1
