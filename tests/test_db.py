"""Data layer on SQLite and PostgreSQL: migrations, models, optimistic locking, seeding."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import model.store.orm
from model.store import db, migrate
from model.store.db import Base, transaction
from model.store.orm import ScenarioRow
from model.store.repository import fetch_candidates, fetch_evidence, table_counts
from model.store.scenarios import list_scenarios
from model.store.seed import seed, seed_baseline, shipped_tables

EXPECTED_TABLES = {
    "programmes",
    "evidence_records",
    "regions",
    "candidates",
    "scenarios",
    "proposals",
    "users",
    "audit_events",
}


def test_upgrade_head_on_empty_database(db_url: str) -> None:
    # db_url is already migrated from the template; start again from nothing to check it.
    eng = db.make_engine(db_url)
    with eng.begin() as c:
        for t in reversed(Base.metadata.sorted_tables):
            c.execute(sa.text(f"DROP TABLE IF EXISTS {t.name}"))
        c.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    assert migrate.current_revision(eng) is None
    migrate.upgrade(eng)
    assert migrate.is_up_to_date(eng)
    assert set(sa.inspect(eng).get_table_names()) >= EXPECTED_TABLES
    eng.dispose()


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_seed_is_idempotent(engine: Engine) -> None:
    first = seed(engine)
    counts = table_counts(engine)
    second = seed(engine)
    assert table_counts(engine) == counts
    assert sum(first.inserted.values()) == sum(counts.values())
    assert sum(second.inserted.values()) == 0
    assert counts["evidence"] > 0 and counts["candidates"] >= 30
    # The solved demo scenario is saved once, with a numeric objective.
    assert seed_baseline(engine) is True
    assert seed_baseline(engine) is False
    (baseline,) = list_scenarios(engine)
    assert baseline.name == "Demo baseline" and (baseline.objective or 0) > 0


def test_seeded_rows_read_back_as_the_shipped_records(seeded_engine: Engine) -> None:
    shipped = {t.spec.name: t.records for t in shipped_tables()}
    assert sorted(fetch_evidence(seeded_engine), key=lambda r: r.evidence_id) == sorted(
        shipped["evidence"],
        key=lambda r: r.evidence_id,  # type: ignore[attr-defined]
    )
    assert sorted(fetch_candidates(seeded_engine, "demo"), key=lambda c: c.id) == sorted(
        shipped["candidates"],
        key=lambda c: c.id,  # type: ignore[attr-defined]
    )


def test_stale_scenario_save_is_refused(engine: Engine) -> None:
    with transaction(engine) as s:
        s.add(ScenarioRow(name="base", inputs={"budget": 1}))
    # Two sessions read the same version; the second save must fail, not overwrite.
    s1, s2 = Session(engine), Session(engine)
    try:
        a = s1.scalars(sa.select(ScenarioRow)).one()
        b = s2.scalars(sa.select(ScenarioRow)).one()
        a.notes = "first"
        s1.commit()
        b.notes = "second"
        with pytest.raises(StaleDataError):
            s2.commit()
    finally:
        s1.close()
        s2.close()
    with transaction(engine) as s:
        row = s.scalars(sa.select(ScenarioRow)).one()
        assert (row.notes, row.version) == ("first", 2)


def test_candidate_check_constraint_guards_the_database(engine: Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError), transaction(engine) as s:
        s.add(
            model.store.orm.CandidateRow(
                dataset="x",
                candidate_id="c1",
                name="bad",
                kind="lottery",
                region="r",
                cost_by_year=[1.0],
                enterprises=1,
                enterprises_low=1,
                enterprises_high=1,
                jobs=1,
                jobs_low=1,
                jobs_high=1,
                benefit=1,
                benefit_low=1,
                benefit_high=1,
            )
        )
    assert table_counts(engine)["candidates"] == 0
