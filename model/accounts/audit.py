"""The audit log: every write's who, when, what, before and after; admins read and export it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from model.accounts.auth import User, require
from model.formatting.cells import cell_text, neutralise
from model.formatting.i18n import N_, Labels, _
from model.store.db import transaction
from model.store.orm import AuditEventRow

COLUMNS = ("id", "at", "actor", "action", "entity", "entity_key", "before", "after")
# Column headings and action codes as a person reads them on the Admin page; the files
# keep the keys and codes (``COLUMNS``, ``action``) so they import anywhere.
HEADINGS = Labels(
    {
        "id": N_("id"),
        "at": N_("at"),
        "actor": N_("actor"),
        "action": N_("action"),
        "entity": N_("entity"),
        "entity_key": N_("entity_key"),
        "before": N_("before"),
        "after": N_("after"),
    }
)
ACTIONS = Labels(
    {
        "create": N_("create"),
        "update": N_("update"),
        "delete": N_("delete"),
        "import": N_("import"),
        "save": N_("save"),
        "review": N_("review"),
        "review_for": N_("review_for"),
        "hand_over": N_("hand_over"),
        "start_monitoring": N_("start_monitoring"),
        "plan_dataset": N_("plan_dataset"),
    }
)


def action_words(action: str) -> str:
    """An audit action code as a person reads it (an unknown code is shown as it is)."""
    return ACTIONS.get(action, action)


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def as_row(self) -> list[Any]:
        """Cells for a table or export; before/after as compact JSON text."""
        return [
            self.id,
            self.at.isoformat(timespec="seconds"),
            self.actor,
            self.action,
            self.entity,
            self.entity_key,
            _json(self.before),
            _json(self.after),
        ]


def _json(d: dict[str, Any] | None) -> str:
    return "" if d is None else json.dumps(d, sort_keys=True, ensure_ascii=False, default=str)


def fetch_audit(
    engine: Engine,
    user: User,
    *,
    entity: str | None = None,
    actor: str | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    """The newest audit events first (admins only: ``PermissionDenied`` otherwise)."""
    require(user, "audit.view")
    if limit < 1:
        raise ValueError(_("limit: must be at least 1"))
    stmt = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
    if entity:
        stmt = stmt.where(AuditEventRow.entity == entity)
    if actor:
        stmt = stmt.where(AuditEventRow.actor == actor)
    with transaction(engine) as s:
        return [
            AuditEvent(r.id, r.at, r.actor, r.action, r.entity, r.entity_key, r.before, r.after)
            for r in s.scalars(stmt)
        ]


def audit_table(events: list[AuditEvent]) -> tuple[list[str], list[list[str]]]:
    """Header and text rows in the exporter's format (CSV or Excel, injection-safe)."""
    return list(COLUMNS), [[neutralise(cell_text(c)) for c in e.as_row()] for e in events]
