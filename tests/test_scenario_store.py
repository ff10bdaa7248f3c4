"""Saved scenarios on SQLite and PostgreSQL: all-or-nothing saves, roles, stale versions."""

from __future__ import annotations

import math
import threading

import pytest
from sqlalchemy import Engine, func, select

from model import DATA_DIR
from model.accounts.auth import VIEWER, PermissionDenied, User
from model.allocator.api import allocate
from model.allocator.result import AllocationResult
from model.allocator.scenario import Scenario, load_scenario
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
    storable,
)

ANALYST = User("luis", "analyst")
OTHER = User("ana", "analyst")
SCREENER = User("mia", "screener")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(DATA_DIR / "scenarios" / "hand.json")


@pytest.fixture(scope="module")
def solved(scenario: Scenario) -> AllocationResult:
    return allocate(scenario)


def _count(engine: Engine, table: type[ScenarioRow] | type[AuditEventRow]) -> int:
    with transaction(engine) as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_save_reopen_rename_duplicate_delete(
    engine: Engine, scenario: Scenario, solved: AllocationResult
) -> None:
    saved = save_scenario(engine, ANALYST, scenario, name="Base", result=solved, notes="first")
    assert saved.version == 1 and saved.objective == solved.objective
    reopened = get_scenario(engine, saved.id)
    # Typed in, typed out: the same scenario and the same result, field by field.
    assert reopened.scenario == scenario and reopened.notes == "first"
    assert reopened.result == solved
    renamed = rename_scenario(engine, ANALYST, saved.id, "Base 2027", base_version=1)
    assert (renamed.name, renamed.version) == ("Base 2027", 2)
    assert renamed.result == solved
    copy = duplicate_scenario(engine, ANALYST, saved.id, "Copy")
    assert copy.id != saved.id and copy.scenario == scenario and copy.result == solved
    assert [s.name for s in list_scenarios(engine)] == ["Base 2027", "Copy"]
    delete_scenario(engine, ANALYST, copy.id, base_version=copy.version)
    assert [s.name for s in list_scenarios(engine)] == ["Base 2027"]
    with transaction(engine) as s:
        actions = [a.action for a in s.scalars(select(AuditEventRow).order_by(AuditEventRow.id))]
    assert actions == ["create", "update", "create", "delete"]


@pytest.mark.parametrize("user", [VIEWER, SCREENER], ids=["viewer", "screener"])
def test_roles_without_scenario_rights_are_refused(
    engine: Engine, scenario: Scenario, user: User
) -> None:
    saved = save_scenario(engine, ANALYST, scenario, name="Base")
    with pytest.raises(PermissionDenied):
        save_scenario(engine, user, scenario, name="Mine")
    with pytest.raises(PermissionDenied):
        rename_scenario(engine, user, saved.id, "X", base_version=1)
    with pytest.raises(PermissionDenied):
        delete_scenario(engine, user, saved.id, base_version=1)
    assert [s.name for s in list_scenarios(engine)] == ["Base"]


def test_invalid_inputs_and_name_clash_write_nothing(engine: Engine, scenario: Scenario) -> None:
    save_scenario(engine, ANALYST, scenario, name="Base")
    before = (_count(engine, ScenarioRow), _count(engine, AuditEventRow))
    # model_copy skips validation; the store validates again before writing.
    bad = scenario.model_copy(update={"horizon_years": 40})
    with pytest.raises(ValueError, match="horizon_years"):
        save_scenario(engine, ANALYST, bad, name="Bad")
    with pytest.raises(ValueError, match="exists already"):
        save_scenario(engine, ANALYST, scenario, name=" Base ")
    with pytest.raises(ValueError, match="give the scenario a name"):
        save_scenario(engine, ANALYST, scenario, name="  ")
    assert (_count(engine, ScenarioRow), _count(engine, AuditEventRow)) == before


def test_stale_save_is_refused_and_keeps_the_winner(db_url: str, scenario: Scenario) -> None:
    # Two users, two engines (two connection pools): both open version 1.
    e1, e2 = make_engine(db_url), make_engine(db_url)
    try:
        saved = save_scenario(e1, ANALYST, scenario, name="Shared", notes="v1")
        save_scenario(
            e1,
            ANALYST,
            scenario,
            name="Shared",
            notes="luis edit",
            scenario_id=saved.id,
            base_version=1,
        )
        with pytest.raises(StaleScenario, match="changed by someone else"):
            save_scenario(
                e2,
                OTHER,
                scenario,
                name="Shared",
                notes="ana edit",
                scenario_id=saved.id,
                base_version=1,
            )
        final = get_scenario(e2, saved.id)
        assert (final.notes, final.version) == ("luis edit", 2)
    finally:
        e1.dispose()
        e2.dispose()


def test_concurrent_saves_of_one_version_lose_no_update(db_url: str, scenario: Scenario) -> None:
    setup = make_engine(db_url)
    saved = save_scenario(setup, ANALYST, scenario, name="Race")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(user: User) -> None:
        eng = make_engine(db_url)
        barrier.wait()
        try:
            save_scenario(
                eng,
                user,
                scenario,
                name="Race",
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


def test_a_result_is_stored_only_when_it_is_a_plan(engine: Engine) -> None:
    broke = load_scenario(DATA_DIR / "scenarios" / "infeasible.json")
    failed = allocate(broke)
    assert failed.objective is None and storable(failed) is False
    saved = save_scenario(engine, ANALYST, broke, name="No plan", result=failed)
    assert not saved.solved and saved.result is None
    assert get_scenario(engine, saved.id).result_json is None


def test_stored_json_from_an_older_version_still_reads(
    engine: Engine, scenario: Scenario, solved: AllocationResult
) -> None:
    saved = save_scenario(engine, ANALYST, scenario, name="Old", result=solved)
    old = dict(get_scenario(engine, saved.id).result_json or {})
    # An older version wrote no fee revenue, no rule/index/portfolio on constraint reports,
    # and null for a non-finite number.
    del old["fee_revenue"], old["relaxation_note"]
    old["constraints"] = [
        {k: v for k, v in c.items() if k not in ("rule", "index", "portfolio")}
        for c in old["constraints"]
    ]
    old["totals_by_year"] = [None, *old["totals_by_year"][1:]]
    with transaction(engine) as s:
        row = s.get(ScenarioRow, saved.id)
        assert row is not None
        row.result = old
    back = get_scenario(engine, saved.id).result
    assert back is not None and back.fee_revenue == 0.0
    assert math.isnan(back.totals_by_year[0])
    assert back.totals_by_year[1:] == solved.totals_by_year[1:]
    # The legacy fill reads the builder's rule and index back from the row name, once.
    assert [(c.rule, c.index, c.portfolio) for c in back.constraints] == [
        (c.rule, c.index, c.portfolio) for c in solved.constraints
    ]
