"""Saved funding scenarios: save, list, reopen, rename, duplicate, delete, all or nothing.

The store takes and gives typed values: a ``Scenario`` in and out, and the
``AllocationResult`` that solves it (kept only when it is a plan: a result without an
objective, infeasible or failed, is never stored, so every stored result is one to show).
The JSON forms are the store's business (``Scenario.model_dump``, ``result_to_json`` and
pydantic's ``result_from_json``); pages never serialise or parse them.

Every write checks the user's role here (not only in the UI), is validated
before anything is written, records an audit event with the record before and
after, and carries a version: a save based on a stale version is refused with
``StaleScenario`` and writes nothing, so the caller can keep the user's edits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from model.accounts.auth import User, require
from model.allocator.result import AllocationResult, result_from_json, result_to_json
from model.allocator.scenario import Scenario, budget_available, parse_scenario
from model.formatting.i18n import _
from model.store.db import transaction
from model.store.orm import AuditEventRow, ScenarioRow

MAX_NAME = 200


class StaleScenario(ValueError):
    """Someone saved the scenario after this user opened it; nothing was written."""


def storable(result: AllocationResult | None) -> bool:
    """Whether a result is kept with its scenario: only a plan (a result with an objective).
    The one place that rule lives; ``save_scenario`` applies it."""
    return result is not None and result.objective is not None


@dataclass(frozen=True)
class SavedScenario:
    """A scenario as stored: its inputs, its last plan (if solved) and its version.

    ``scenario`` and ``result`` are parsed on first use (``ValueError`` names the field
    when a stored row no longer fits), so listing many scenarios parses none of them.
    """

    id: int
    name: str
    notes: str
    dataset: str
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    inputs_json: dict[str, Any] = field(repr=False)
    result_json: dict[str, Any] | None = field(repr=False)

    @cached_property
    def scenario(self) -> Scenario:
        return parse_scenario(self.inputs_json)

    @cached_property
    def result(self) -> AllocationResult | None:
        return None if self.result_json is None else result_from_json(self.result_json)

    @property
    def solved(self) -> bool:
        """Saved with its plan (a result)."""
        return self.result_json is not None

    @property
    def objective(self) -> float | None:
        """The stored plan's objective, read without parsing the whole result."""
        if self.result_json is None:
            return None
        value = self.result_json.get("objective")
        return float(value) if isinstance(value, int | float) else None


def _saved(row: ScenarioRow) -> SavedScenario:
    return SavedScenario(
        id=row.id,
        name=row.name,
        notes=row.notes,
        dataset=row.dataset,
        inputs_json=row.inputs,
        result_json=row.result,
        version=row.version,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _summary(row: ScenarioRow) -> dict[str, Any]:
    return {"name": row.name, "notes": row.notes, "version": row.version}


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValueError(_("name: give the scenario a name"))
    if len(name) > MAX_NAME:
        raise ValueError(_("name: at most {n} characters").format(n=MAX_NAME))
    return name


def save_scenario(
    engine: Engine,
    user: User,
    scenario: Scenario,
    *,
    name: str,
    result: AllocationResult | None = None,
    notes: str = "",
    dataset: str = "demo",
    scenario_id: int | None = None,
    base_version: int | None = None,
) -> SavedScenario:
    """Create (``scenario_id=None``) or update a scenario; refused if stale or invalid.

    ``result`` is stored only when it is a plan (``storable``); otherwise the scenario is
    saved without one, as an unsolved scenario."""
    if result is not None and result.unfunded is None:
        # A page's first display leaves them out (allocate(unfunded=False)); a stored plan
        # keeps every sentence it states: ``api.complete`` writes them first.
        raise ValueError("result: its unfunded reports are not written; complete it first")
    stored = result_to_json(result) if result is not None and storable(result) else None
    return _write(
        engine,
        user,
        name=name,
        inputs=scenario.model_dump(mode="json"),
        result=stored,
        notes=notes,
        dataset=dataset,
        scenario_id=scenario_id,
        base_version=base_version,
    )


def _write(
    engine: Engine,
    user: User,
    *,
    name: str,
    inputs: dict[str, Any],
    result: dict[str, Any] | None,
    notes: str,
    dataset: str,
    scenario_id: int | None = None,
    base_version: int | None = None,
) -> SavedScenario:
    require(user, "scenario.save")
    name = _clean_name(name)
    parse_scenario(inputs)  # validate before anything is written (raises ValueError)
    try:
        with transaction(engine) as s:
            clash = s.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
            if clash is not None and clash.id != scenario_id:
                raise ValueError(
                    _("name: a scenario named '{name}' exists already").format(name=name)
                )
            if scenario_id is None:
                row = ScenarioRow(
                    name=name,
                    notes=notes,
                    dataset=dataset,
                    inputs=inputs,
                    result=result,
                    created_by=user.username,
                )
                s.add(row)
                s.flush()
                before = None
                action = "create"
            else:
                found = s.get(ScenarioRow, scenario_id)
                if found is None:
                    raise ValueError(
                        _("scenario {id} does not exist (deleted?)").format(id=scenario_id)
                    )
                row = found
                _check_version(row, base_version)
                before = _summary(row)
                row.name, row.notes, row.dataset = name, notes, dataset
                row.inputs, row.result = inputs, result
                s.flush()
                action = "update"
            s.add(
                AuditEventRow(
                    actor=user.username,
                    action=action,
                    entity="scenario",
                    entity_key=str(row.id),
                    before=before,
                    after=_summary(row),
                )
            )
            return _saved(row)
    except StaleDataError:
        raise StaleScenario(
            _(
                "'{name}' was saved by someone else while you were saving; nothing was "
                "written. Reopen it and reapply your edits."
            ).format(name=name)
        ) from None
    except IntegrityError:
        raise ValueError(
            _("name: a scenario named '{name}' exists already").format(name=name)
        ) from None


def _check_version(row: ScenarioRow, base_version: int | None) -> None:
    if base_version is None:
        raise ValueError(_("base_version: give the version you opened, to detect conflicts"))
    if row.version != base_version:
        raise StaleScenario(
            _(
                "'{name}' was changed by someone else (now version {version}, you "
                "opened version {opened}); nothing was written. Your edits are kept: "
                "reopen the scenario and reapply them."
            ).format(name=row.name, version=row.version, opened=base_version)
        )


def list_scenarios(engine: Engine) -> list[SavedScenario]:
    with transaction(engine) as s:
        return [_saved(r) for r in s.scalars(select(ScenarioRow).order_by(ScenarioRow.name))]


def get_scenario(engine: Engine, scenario_id: int) -> SavedScenario:
    with transaction(engine) as s:
        row = s.get(ScenarioRow, scenario_id)
        if row is None:
            raise ValueError(_("scenario {id} does not exist (deleted?)").format(id=scenario_id))
        return _saved(row)


def rename_scenario(
    engine: Engine, user: User, scenario_id: int, new_name: str, base_version: int
) -> SavedScenario:
    current = get_scenario(engine, scenario_id)
    return _write(  # the stored JSON as it is: renaming changes no input
        engine,
        user,
        name=new_name,
        inputs=current.inputs_json,
        result=current.result_json,
        notes=current.notes,
        dataset=current.dataset,
        scenario_id=scenario_id,
        base_version=base_version,
    )


def duplicate_scenario(
    engine: Engine, user: User, scenario_id: int, new_name: str
) -> SavedScenario:
    current = get_scenario(engine, scenario_id)
    return _write(
        engine,
        user,
        name=new_name,
        inputs=current.inputs_json,
        result=current.result_json,
        notes=current.notes,
        dataset=current.dataset,
    )


def delete_scenario(engine: Engine, user: User, scenario_id: int, base_version: int) -> None:
    require(user, "scenario.delete")
    try:
        with transaction(engine) as s:
            row = s.get(ScenarioRow, scenario_id)
            if row is None:
                raise ValueError(
                    _("scenario {id} does not exist (deleted already?)").format(id=scenario_id)
                )
            _check_version(row, base_version)
            s.add(
                AuditEventRow(
                    actor=user.username,
                    action="delete",
                    entity="scenario",
                    entity_key=str(row.id),
                    before=_summary(row),
                    after=None,
                )
            )
            s.delete(row)
    except StaleDataError:
        raise StaleScenario(_("the scenario changed while deleting; nothing was deleted")) from None


def list_records(saved: Sequence[SavedScenario]) -> list[dict[str, object]]:
    """The saved scenarios as rows: name, notes, dataset, objective, budget available (US$,
    blank without a budget rule), version, last update and author."""
    rows: list[dict[str, object]] = []
    for s in saved:
        total: float | None = None
        objective = "?"  # a row an older version wrote that no longer parses: still listed
        with contextlib.suppress(ValueError):
            total, objective = budget_available(s.scenario), s.scenario.objective.kind
        rows.append(
            {
                "Name": s.name,
                "Notes": s.notes,
                "Dataset": s.dataset,
                "Objective": objective,
                "Objective value": s.objective,
                "Budget (US$)": total,
                "Solved": s.solved,
                "Version": s.version,
                "Updated": s.updated_at,
                "By": s.created_by,
            }
        )
    return rows
