"""Database URLs and secrets (issue 17): a percent-escaped password works, and no
message, page or CLI output ever shows the password."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from model.cli import main
from model.store import db, migrate
from tests.conftest import PgServer
from tests.test_pages import APP, TIMEOUT_S

SECRET = "p%40ss%25w0rd"  # p@ss%w0rd, percent-escaped as a URL needs it
SPELLINGS = (SECRET, "p@ss%w0rd", "p%40ss")
UNREACHABLE = f"postgresql://postgres:{SECRET}@127.0.0.1:1/none?connect_timeout=2"


def _assert_no_secret(text: str) -> None:
    for s in SPELLINGS:
        assert s not in text, text


def test_redact_takes_out_every_spelling_of_the_password() -> None:
    msg = f"failed: {UNREACHABLE} (password p@ss%w0rd)"
    out = db.redact(msg, UNREACHABLE)
    _assert_no_secret(out)
    assert "***" in out
    assert db.safe_url(UNREACHABLE).startswith("postgresql://postgres:***@127.0.0.1:1/none")


def test_percent_escaped_password_migrates_and_reports(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Alembic's config parser read '%40' as interpolation: db status/upgrade exited 2."""
    name = pg_server.create("pct")
    plain = pg_server.url(name)  # the test server trusts local connections: any password
    url = plain.replace("postgres@", f"postgres:{SECRET}@", 1)
    monkeypatch.setenv(db.ENV_URL, url)
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "status"]) == 0
    out = capsys.readouterr()
    _assert_no_secret(out.out + out.err)
    assert "revision" in out.out
    eng = db.make_engine(url)
    assert migrate.is_up_to_date(eng)
    eng.dispose()


@pytest.mark.parametrize(
    "argv",
    [
        ["db", "status"],
        ["db", "upgrade"],
        ["db", "seed"],
        ["evidence"],
        ["export", "out-dir-never-written"],
        ["users", "list"],
    ],
)
def test_unreachable_database_is_exit_2_without_password(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(db.ENV_URL, UNREACHABLE)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("fomento: error:") and "Traceback" not in err
    assert "unreachable" in err
    _assert_no_secret(err)


def test_unparsable_url_is_a_message_without_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(db.ENV_URL, f"postgresql://postgres:{SECRET}@127.0.0.1:notaport/x")
    assert main(["db", "status"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    _assert_no_secret(err)


def test_pages_never_show_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.ENV_URL, UNREACHABLE)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "Cannot reach the database" in shown
    _assert_no_secret(shown)


def test_sqlite_readers_keep_reading_while_an_import_writes(tmp_path: Path) -> None:
    """With the rollback journal a long import locked every reader out ('database is
    locked' after ~60 s at 200k rows); in WAL mode readers see the last commit."""
    from model.store.repository import table_counts

    url = f"sqlite:///{tmp_path / 'wal.db'}"
    eng = db.make_engine(url, busy_timeout_ms=200)
    migrate.upgrade(eng)
    writer = eng.connect()
    writer.exec_driver_sql("BEGIN IMMEDIATE")
    writer.exec_driver_sql(
        "INSERT INTO programmes (programme_id, name, country, region, instrument, agency, "
        "description, source_file, passage) VALUES ('P', 'n', '', '', 'other', '', '', 'f', 'p')"
    )
    try:
        assert table_counts(eng)["programmes"] == 0  # read during the open write: no lock
    finally:
        writer.rollback()
        writer.close()
    eng.dispose()


def test_two_seeds_at_once_on_a_fresh_database(pg_server: PgServer) -> None:
    """One used to fail with an IntegrityError traceback; a seed adding nothing wrote an
    audit 'import' event all the same."""
    import threading

    from sqlalchemy import func, select

    from model.store.orm import AuditEventRow
    from model.store.seed import seed

    name = pg_server.create("seedrace")
    url = pg_server.url(name)
    eng = db.make_engine(url)
    migrate.upgrade(eng)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        try:
            seed(eng)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with db.transaction(eng) as s:
        events = s.scalar(select(func.count()).select_from(AuditEventRow))
    seed(eng)  # nothing new: no event
    with db.transaction(eng) as s:
        assert s.scalar(select(func.count()).select_from(AuditEventRow)) == events
    eng.dispose()


@pytest.mark.parametrize("name", ["", "   ", "x" * 65, "a/b", " lead"])
def test_dataset_names_are_refused_before_any_database(name: str) -> None:
    from model.store.importer import ImportRejected, parse_file

    with pytest.raises(ImportRejected, match="dataset name"):
        parse_file(b"name,lagging\nNorte,false\n", "r.csv", table="regions", dataset=name)
