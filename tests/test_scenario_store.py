"""Saved scenarios on SQLite and PostgreSQL: all-or-nothing saves, roles, stale versions."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from model import DATA_DIR
from model.accounts.auth import VIEWER, PermissionDenied, User
from model.store.db import make_engine, transaction
from model.store.orm import AuditEventRow, ScenarioRow
from model.store.scenarios import (
    StaleScenario,
    delete_scenario,
    duplicate_scenario,
    get_scenario,
    list_scenarios,
    rename_scenario,
    save_scenario,
)

ANALYST = User("luis", "analyst")
OTHER = User("ana", "analyst")
SCREENER = User("mia", "screener")


@pytest.fixture(scope="module")
def inputs() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / "scenarios" / "hand.json").read_text())
    return data


def _count(engine: Engine, table: type[ScenarioRow] | type[AuditEventRow]) -> int:
    with transaction(engine) as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_save_reopen_rename_duplicate_delete(engine: Engine, inputs: dict[str, Any]) -> None:
    saved = save_scenario(
        engine, ANALYST, name="Base", inputs=inputs, result={"objective": 12.5}, notes="first"
    )
    assert saved.version == 1 and saved.objective == 12.5
    reopened = get_scenario(engine, saved.id)
    assert reopened.inputs == inputs and reopened.notes == "first"
    renamed = rename_scenario(engine, ANALYST, saved.id, "Base 2027", base_version=1)
    assert (renamed.name, renamed.version) == ("Base 2027", 2)
    copy = duplicate_scenario(engine, ANALYST, saved.id, "Copy")
    assert copy.id != saved.id and copy.inputs == inputs
    assert [s.name for s in list_scenarios(engine)] == ["Base 2027", "Copy"]
    delete_scenario(engine, ANALYST, copy.id, base_version=copy.version)
    assert [s.name for s in list_scenarios(engine)] == ["Base 2027"]
    with transaction(engine) as s:
        actions = [a.action for a in s.scalars(select(AuditEventRow).order_by(AuditEventRow.id))]
    assert actions == ["create", "update", "create", "delete"]


@pytest.mark.parametrize("user", [VIEWER, SCREENER], ids=["viewer", "screener"])
def test_roles_without_scenario_rights_are_refused(
    engine: Engine, inputs: dict[str, Any], user: User
) -> None:
    saved = save_scenario(engine, ANALYST, name="Base", inputs=inputs)
    with pytest.raises(PermissionDenied):
        save_scenario(engine, user, name="Mine", inputs=inputs)
    with pytest.raises(PermissionDenied):
        rename_scenario(engine, user, saved.id, "X", base_version=1)
    with pytest.raises(PermissionDenied):
        delete_scenario(engine, user, saved.id, base_version=1)
    assert [s.name for s in list_scenarios(engine)] == ["Base"]


def test_invalid_inputs_and_name_clash_write_nothing(
    engine: Engine, inputs: dict[str, Any]
) -> None:
    save_scenario(engine, ANALYST, name="Base", inputs=inputs)
    before = (_count(engine, ScenarioRow), _count(engine, AuditEventRow))
    bad = {**inputs, "horizon_years": 40}
    with pytest.raises(ValueError, match="horizon_years"):
        save_scenario(engine, ANALYST, name="Bad", inputs=bad)
    with pytest.raises(ValueError, match="exists already"):
        save_scenario(engine, ANALYST, name=" Base ", inputs=inputs)
    with pytest.raises(ValueError, match="give the scenario a name"):
        save_scenario(engine, ANALYST, name="  ", inputs=inputs)
    assert (_count(engine, ScenarioRow), _count(engine, AuditEventRow)) == before


def test_stale_save_is_refused_and_keeps_the_winner(db_url: str, inputs: dict[str, Any]) -> None:
    # Two users, two engines (two connection pools): both open version 1.
    e1, e2 = make_engine(db_url), make_engine(db_url)
    try:
        saved = save_scenario(e1, ANALYST, name="Shared", inputs=inputs, notes="v1")
        save_scenario(
            e1,
            ANALYST,
            name="Shared",
            inputs=inputs,
            notes="luis edit",
            scenario_id=saved.id,
            base_version=1,
        )
        with pytest.raises(StaleScenario, match="changed by someone else"):
            save_scenario(
                e2,
                OTHER,
                name="Shared",
                inputs=inputs,
                notes="ana edit",
                scenario_id=saved.id,
                base_version=1,
            )
        final = get_scenario(e2, saved.id)
        assert (final.notes, final.version) == ("luis edit", 2)
    finally:
        e1.dispose()
        e2.dispose()


def test_concurrent_saves_of_one_version_lose_no_update(
    db_url: str, inputs: dict[str, Any]
) -> None:
    setup = make_engine(db_url)
    saved = save_scenario(setup, ANALYST, name="Race", inputs=inputs)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(user: User) -> None:
        eng = make_engine(db_url)
        barrier.wait()
        try:
            save_scenario(
                eng,
                user,
                name="Race",
                inputs=inputs,
                notes=user.username,
                scenario_id=saved.id,
                base_version=1,
            )
            outcomes.append("saved")
        except StaleScenario:
            outcomes.append("stale")
        except Exception as exc:  # SQLite may report a lock instead
            outcomes.append(type(exc).__name__)
        finally:
            eng.dispose()

    threads = [threading.Thread(target=worker, args=(u,)) for u in (ANALYST, OTHER)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = get_scenario(setup, saved.id)
    setup.dispose()
    # Exactly one save wins; the other is refused, never silently overwritten.
    assert outcomes.count("saved") == 1, outcomes
    assert final.version == 2 and final.notes in {"luis", "ana"}
