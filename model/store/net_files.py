"""NET assessments from CSV/Excel, and their storage in ``net_assessments``.

File format: one row per assessment with columns ``network_id``,
``network_name``, ``assessed_on`` (YYYY-MM-DD), ``assessor``, ``note`` and one
column per NET indicator (``model.screening.net.INDICATORS``) holding that
indicator's five stage cells as codes in stage order, A achieved, P partly,
N not: ``AAPNN`` means achieved at promotion and strategic planning, partly at
pilot projects, not at strategic projects and self-management. Problems name
row and column, and one problem means nothing is written (``ImportRejected``).
Writing needs the ``net.write`` permission (screener or admin), checked here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select

from model.accounts.auth import User, require
from model.formatting.errors import validation_message
from model.formatting.i18n import _
from model.screening.net import INDICATORS, NetAssessment, parse_row_codes, row_codes
from model.store.db import transaction
from model.store.importer import ImportRejected, Problem
from model.store.orm import AuditEventRow, NetAssessmentRow
from model.store.tabular import FileRejected, pick_table, read_tables

TABLE = "net_assessments"
META_COLUMNS: tuple[str, ...] = ("network_id", "network_name", "assessed_on", "assessor", "note")
REQUIRED: tuple[str, ...] = ("network_id", "assessed_on", *INDICATORS)
COLUMNS: tuple[str, ...] = (*META_COLUMNS, *INDICATORS)


@dataclass(frozen=True)
class NetImportReport:
    inserted: int
    updated: int

    def summary(self) -> str:
        return _("NET assessments: {inserted} new, {updated} updated").format(
            inserted=self.inserted, updated=self.updated
        )


def parse_net_assessments(data: bytes, filename: str) -> list[NetAssessment]:
    """Validated assessments of a CSV or .xlsx file (raises ``ImportRejected``)."""
    try:
        # A notes sheet may come first: take the sheet with the required columns.
        table = pick_table(read_tables(data, filename), TABLE, REQUIRED, filename)
    except FileRejected as exc:
        raise ImportRejected([Problem("file", None, "", str(exc))]) from None
    problems: list[Problem] = []
    for col in table.header:
        if col not in COLUMNS:
            problems.append(Problem(TABLE, 1, col, _("unknown column (check its spelling)")))
    for col in REQUIRED:
        if col not in table.header:
            problems.append(Problem(TABLE, 1, col, _("required column is missing")))
    if problems:
        raise ImportRejected(problems)
    idx = {c: i for i, c in enumerate(table.header)}
    out: list[NetAssessment] = []
    seen: dict[tuple[str, str], int] = {}
    for cells, row_no in zip(table.rows, table.row_numbers, strict=True):
        before = len(problems)
        data_in: dict[str, Any] = {
            c: cells[idx[c]] for c in META_COLUMNS if c in idx and cells[idx[c]]
        }
        matrix = []
        for ind in INDICATORS:
            try:
                matrix.append(parse_row_codes(cells[idx[ind]]))
            except ValueError as exc:
                problems.append(Problem(TABLE, row_no, ind, str(exc)))
        if len(problems) > before:
            continue
        data_in["cells"] = matrix
        try:
            a = NetAssessment.model_validate(data_in)
        except ValidationError as exc:
            for err in exc.errors():
                loc = err.get("loc", ())
                column = str(loc[0]) if loc else ""
                shown = cells[idx[column]] if column in idx else ""
                msg = validation_message(err)
                if shown:
                    msg = _("{problem} (found '{value}')").format(problem=msg, value=shown[:40])
                problems.append(Problem(TABLE, row_no, column, msg))
            continue
        key = (a.network_id, a.assessed_on.isoformat())
        if key in seen:
            problems.append(
                Problem(
                    TABLE,
                    row_no,
                    "assessed_on",
                    _("network {network} is assessed twice on {date} (first in row {row})").format(
                        network=key[0], date=key[1], row=seen[key]
                    ),
                )
            )
            continue
        seen[key] = row_no
        out.append(a)
    if problems:
        raise ImportRejected(problems)
    return out


def save_net_assessments(
    engine: Engine, assessments: Iterable[NetAssessment], *, user: User, source: str = ""
) -> NetImportReport:
    """Upsert by (network_id, assessed_on) in one transaction, with an audit event."""
    require(user, "net.write")
    inserted = updated = 0
    with transaction(engine) as s:
        for a in assessments:
            values = {
                "network_id": a.network_id,
                "network_name": a.network_name,
                "assessed_on": a.assessed_on,
                "cells": [list(r) for r in a.cells],
                "assessor": a.assessor,
                "note": a.note,
            }
            row = s.scalars(
                select(NetAssessmentRow).where(
                    NetAssessmentRow.network_id == a.network_id,
                    NetAssessmentRow.assessed_on == a.assessed_on,
                )
            ).one_or_none()
            if row is None:
                s.add(NetAssessmentRow(**values))
                inserted += 1
            else:
                for k, v in values.items():
                    setattr(row, k, v)
                updated += 1
        s.add(
            AuditEventRow(
                actor=user.username,
                action="import" if source else "save",
                entity=TABLE,
                entity_key=source[:200],
                before=None,
                after={"inserted": inserted, "updated": updated},
            )
        )
    return NetImportReport(inserted, updated)


def import_net_assessments(
    engine: Engine, data: bytes, filename: str, *, user: User
) -> NetImportReport:
    """Validate a NET file whole, then store it all (or nothing)."""
    require(user, "net.write")
    return save_net_assessments(
        engine, parse_net_assessments(data, filename), user=user, source=filename
    )


def fetch_net_assessments(engine: Engine, network_id: str | None = None) -> list[NetAssessment]:
    """Stored assessments (all, or one network's), oldest first."""
    q = select(NetAssessmentRow).order_by(NetAssessmentRow.assessed_on, NetAssessmentRow.network_id)
    if network_id is not None:
        q = q.where(NetAssessmentRow.network_id == network_id)
    with transaction(engine) as s:
        return [
            NetAssessment.model_validate(
                {
                    "network_id": r.network_id,
                    "network_name": r.network_name,
                    "assessed_on": r.assessed_on,
                    "cells": r.cells,
                    "assessor": r.assessor,
                    "note": r.note,
                }
            )
            for r in s.scalars(q)
        ]


def assessment_row_codes(a: NetAssessment) -> dict[str, str]:
    """An assessment's cells in the file's code form, per indicator column."""
    return {ind: row_codes(a.cells[i]) for i, ind in enumerate(INDICATORS)}
