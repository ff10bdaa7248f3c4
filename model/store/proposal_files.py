"""Read proposals from CSV/Excel and write them to ``proposals`` all or nothing.

The file format is one row per proposal with the columns of
``model.screening.proposals.Proposal``; the cells for entities, inclusion and
indicators use the text forms documented there. Validation follows
``model.store.importer``: the whole file is checked first, every problem names its
row and column, and one problem means nothing is written (``ImportRejected``).
Writing needs the ``proposal.write`` permission (screener or admin), checked here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from model.accounts.auth import User, require
from model.formatting.errors import validation_message
from model.formatting.i18n import _
from model.formatting.parsing import NumberFormat, as_input, number_cell, parse_number
from model.screening.proposals import (
    Proposal,
    parse_entities,
    parse_inclusion,
    parse_indicators,
)
from model.store.db import transaction
from model.store.importer import ImportRejected, Problem
from model.store.orm import AuditEventRow, ProposalRow
from model.store.tabular import FileRejected, RawTable, pick_table, read_tables

TABLE = "proposals"
COLUMNS: tuple[str, ...] = tuple(Proposal.model_fields)
REQUIRED: tuple[str, ...] = tuple(n for n, f in Proposal.model_fields.items() if f.is_required())
BOOL_COLUMNS = ("environmental_compliance", "regulatory_compliance")
_PARSERS: dict[str, Callable[[str], Any]] = {
    "entities": parse_entities,
    "inclusion": parse_inclusion,
    "indicators": parse_indicators,
}
NUMBER_COLUMNS = ("amount_requested", "match_cash", "match_in_kind", "duration_months")
_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")


@dataclass(frozen=True)
class ProposalImportReport:
    """What an import wrote: proposal ids inserted, updated and unchanged."""

    inserted: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]

    def summary(self) -> str:
        return _("proposals: {new} new, {updated} updated, {unchanged} unchanged").format(
            new=len(self.inserted), updated=len(self.updated), unchanged=len(self.unchanged)
        )


def parse_proposals(
    data: bytes, filename: str, number_format: NumberFormat = "auto"
) -> list[Proposal]:
    """Validated proposals of a CSV or .xlsx file (sheet ``proposals`` or the first sheet).

    Numbers in text cells (amounts, duration, indicator baselines and targets) are read
    in ``number_format`` ("auto": not declared; one that reads two ways is refused).
    Raises ``ImportRejected`` listing every problem by row and column.
    """
    try:
        # A notes sheet may come first: take the sheet named 'proposals', else the first
        # one with the required columns, else say that no sheet has them.
        table = pick_table(read_tables(data, filename), TABLE, REQUIRED, filename)
    except FileRejected as exc:
        raise ImportRejected([Problem("file", None, "", str(exc))]) from None
    problems: list[Problem] = []
    proposals = validate_proposal_table(table, problems, number_format)
    if problems:
        raise ImportRejected(problems)
    return proposals


def validate_proposal_table(
    table: RawTable, problems: list[Problem], number_format: NumberFormat = "auto"
) -> list[Proposal]:
    """Typed proposals of one table; every problem found is appended to ``problems``."""
    for col in table.header:
        if col not in COLUMNS:
            problems.append(Problem(TABLE, 1, col, _("unknown column (check its spelling)")))
    missing = [c for c in REQUIRED if c not in table.header]
    for col in missing:
        problems.append(Problem(TABLE, 1, col, _("required column is missing")))
    if missing:
        return []
    idx = {c: i for i, c in enumerate(table.header) if c in COLUMNS}
    out: list[Proposal] = []
    seen: dict[str, int] = {}
    for cells, row_no in zip(table.rows, table.row_numbers, strict=True):
        data: dict[str, Any] = {}
        unread: set[str] = set()
        for col, i in idx.items():
            text = cells[i]
            try:
                value = _cell_input(col, text, number_format, table.is_number_cell(row_no, i))
            except ValueError as exc:
                problems.append(Problem(TABLE, row_no, col, str(exc)))
                unread.add(col)
                continue
            if value is not None:
                data[col] = value
        try:
            proposal = Proposal.model_validate(data)
        except ValidationError as exc:
            # A cell that did not read is reported once, by its own message.
            found = _problems_of(exc, row_no, cells, idx)
            problems.extend(
                p for p in found if p.column not in unread and not (unread and not p.column)
            )
            continue
        if unread:
            continue
        if proposal.proposal_id in seen:
            problems.append(
                Problem(
                    TABLE,
                    row_no,
                    "proposal_id",
                    _("duplicate id '{id}' (first seen in row {row})").format(
                        id=proposal.proposal_id, row=seen[proposal.proposal_id]
                    ),
                )
            )
            continue
        seen[proposal.proposal_id] = row_no
        out.append(proposal)
    return out


def _cell_input(
    column: str, text: str, number_format: NumberFormat = "auto", stored_number: bool = False
) -> Any:
    # Exports quote formula-like text; take the quote off so round trips are exact.
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    if column == "indicators":
        return _read_indicator_numbers(parse_indicators(text), number_format) if text else []
    if column in _PARSERS:
        return _PARSERS[column](text) if text else []
    if text == "":
        return None
    if column in NUMBER_COLUMNS:
        return as_input(number_cell(text) if stored_number else parse_number(text, number_format))
    if column in BOOL_COLUMNS:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(_("'{text}' is not yes/no (use true or false)").format(text=text[:60]))
    return text


def _read_indicator_numbers(
    items: list[dict[str, Any]], number_format: NumberFormat
) -> list[dict[str, Any]]:
    """Baselines and targets read in the declared format (ValueError naming the item)."""
    for i, item in enumerate(items, start=1):
        for key in ("baseline", "target"):
            text = item.get(key)
            if isinstance(text, str) and text:
                try:
                    item[key] = as_input(parse_number(text, number_format))
                except ValueError as exc:
                    # ``key`` is the item's part as the file names it (baseline, target).
                    raise ValueError(
                        _("indicator {n} {part}: {problem}").format(n=i, part=key, problem=exc)
                    ) from None
    return items


def _problems_of(
    exc: ValidationError, row_no: int, cells: tuple[str, ...], idx: dict[str, int]
) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = err.get("loc", ())
        column = str(loc[0]) if loc else ""
        detail = validation_message(err)
        if len(loc) > 1 and isinstance(loc[1], int):
            if len(loc) > 2:
                detail = _("item {n} {field}: {problem}").format(
                    n=loc[1] + 1, field=loc[2], problem=detail
                )
            else:
                detail = _("item {n}: {problem}").format(n=loc[1] + 1, problem=detail)
        shown = cells[idx[column]] if column in idx else ""
        if shown and column not in _PARSERS:
            detail = _("{problem} (found '{text}')").format(problem=detail, text=shown[:60])
        out.append(Problem(TABLE, row_no, column, detail))
    return out


def proposal_values(p: Proposal) -> dict[str, Any]:
    """Column values of the ``proposals`` row for a proposal (JSON lists for the lists)."""
    values = p.model_dump(mode="json")
    values["entities"] = [dict(e) for e in values["entities"]]
    values["inclusion"] = list(values["inclusion"])
    values["indicators"] = [dict(i) for i in values["indicators"]]
    return values


def proposal_from_row(row: ProposalRow) -> Proposal:
    return Proposal.model_validate({c: getattr(row, c) for c in COLUMNS})


class StaleProposal(ValueError):
    """A proposal changed (or appeared) since the user opened it; nothing was written."""


def save_proposals(
    engine: Engine,
    proposals: Iterable[Proposal],
    *,
    user: User,
    source: str = "",
    expected_versions: Mapping[str, int | None] | None = None,
) -> ProposalImportReport:
    """Upsert proposals by ``proposal_id`` in one transaction, with one audit event.

    A new proposal gets status ``submitted``; an update keeps the stored status.
    ``expected_versions`` guards edits: for each id listed, the stored version must be
    the one given (``None``: the proposal must not exist yet), else ``StaleProposal``
    and nothing is written. Imports pass none and update by id.
    Raises ``PermissionDenied`` unless ``user`` may write proposals.
    """
    require(user, "proposal.write")
    inserted: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    expected = expected_versions or {}
    try:
        with transaction(engine) as s:
            for p in proposals:
                _save_one(s, p, expected, inserted, updated, unchanged)
            s.flush()
            s.add(
                AuditEventRow(
                    actor=user.username,
                    action="import" if source else "save",
                    entity=TABLE,
                    entity_key=source[:200],
                    before=None,
                    after={"inserted": inserted, "updated": updated, "unchanged": unchanged},
                )
            )
    except (StaleDataError, IntegrityError):
        raise StaleProposal(
            _(
                "another user saved the same proposal at the same moment; nothing was "
                "written. Reload it and reapply your edits."
            )
        ) from None
    return ProposalImportReport(tuple(inserted), tuple(updated), tuple(unchanged))


def _save_one(
    s: Session,
    p: Proposal,
    expected: Mapping[str, int | None],
    inserted: list[str],
    updated: list[str],
    unchanged: list[str],
) -> None:
    values = proposal_values(p)
    row = s.scalars(
        select(ProposalRow).where(ProposalRow.proposal_id == p.proposal_id)
    ).one_or_none()
    if p.proposal_id in expected:
        want = expected[p.proposal_id]
        have = None if row is None else row.version
        if want != have:
            message = (
                _(
                    "proposal {id} exists already (stored version {have}, yours {want}); "
                    "nothing was written. Your entries are kept: reload and reapply them."
                )
                if want is None
                else _(
                    "proposal {id} was changed by someone else (stored version {have}, yours "
                    "{want}); nothing was written. Your entries are kept: reload and reapply "
                    "them."
                )
            )
            raise StaleProposal(message.format(id=p.proposal_id, have=have, want=want))
    if row is None:
        s.add(ProposalRow(**values, status="submitted"))
        inserted.append(p.proposal_id)
    elif all(getattr(row, k) == v for k, v in values.items()):
        unchanged.append(p.proposal_id)
    else:
        for k, v in values.items():
            setattr(row, k, v)
        updated.append(p.proposal_id)


def import_proposals(
    engine: Engine,
    data: bytes,
    filename: str,
    *,
    user: User,
    number_format: NumberFormat = "auto",
) -> ProposalImportReport:
    """Validate a proposal file whole, then upsert it (raises ``ImportRejected``)."""
    require(user, "proposal.write")
    proposals = parse_proposals(data, filename, number_format)
    return save_proposals(engine, proposals, user=user, source=filename)


def fetch_proposals(engine: Engine, bad: list[str] | None = None) -> list[Proposal]:
    """Every stored proposal, by id. A row that no longer validates (a NaN or 1e308
    amount written before the checks) is left out, described in ``bad`` if given, so
    the Proposals page still works (issue 17)."""
    out: list[Proposal] = []
    with transaction(engine) as s:
        rows = s.scalars(select(ProposalRow).order_by(ProposalRow.proposal_id)).all()
        for r in rows:
            try:
                out.append(proposal_from_row(r))
            except ValidationError as exc:
                if bad is not None:
                    err = exc.errors()[0]
                    column = ".".join(str(p) for p in err["loc"])
                    bad.append(
                        _("proposal {id}, column {column}: {problem}").format(
                            id=r.proposal_id, column=column, problem=validation_message(err)
                        )
                    )
    return out


def proposal_statuses(engine: Engine) -> dict[str, str]:
    """Stored status (``submitted``, ``handed_over``...) per proposal id."""
    with transaction(engine) as s:
        rows = s.execute(select(ProposalRow.proposal_id, ProposalRow.status))
        return {pid: status for pid, status in rows}
