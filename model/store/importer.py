"""Validate CSV/Excel tables against the declared schemas and write them all or nothing.

A file is checked whole before anything is written: every problem is reported
with its table, spreadsheet row, column and what is wrong, and if there is one
problem nothing reaches the database. Valid rows are upserted by their key in a
single transaction and the import is recorded in the audit log.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import Engine, select

from model.accounts.auth import User, require
from model.domain.candidates import Candidate, Region
from model.domain.evidence import EvidenceRecord, Programme
from model.domain.numbers import use_translator
from model.formatting import numbers
from model.formatting.cells import INJECTION_PREFIXES
from model.formatting.errors import validation_message
from model.formatting.i18n import N_, Labels, _, ngettext
from model.formatting.parsing import NumberFormat, as_input, number_cell, parse_number
from model.store.db import Base, transaction
from model.store.orm import AuditEventRow, CandidateRow, EvidenceRow, ProgrammeRow, RegionRow
from model.store.tabular import FileRejected, RawTable, read_tables

# The domain's refusals (a record's own checks) read in the reader's language too.
use_translator(_)

Mode = Literal["upsert", "insert_missing"]
MAX_PROBLEMS_SHOWN = 200
DEFAULT_DATASET = "demo"


def error_text(err: ErrorDetails) -> str:
    """What one pydantic error says, in the active language (``validation_message``)."""
    return validation_message(err)


@dataclass(frozen=True)
class TableSpec:
    """How one importable table maps to its schema and its database rows."""

    name: str
    label: str
    schema: type[BaseModel]
    orm: type[Base]
    key: tuple[str, ...]
    list_fields: tuple[str, ...] = ()
    renames: dict[str, str] = field(default_factory=dict)  # schema field -> ORM column
    per_dataset: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.schema.model_fields)

    def orm_column(self, schema_field: str) -> str:
        return self.renames.get(schema_field, schema_field)


# Labels are marked N_ and read translated where shown: _(spec.label).
PROGRAMMES = TableSpec("programmes", N_("Programmes"), Programme, ProgrammeRow, ("programme_id",))
EVIDENCE = TableSpec(
    "evidence", N_("Evidence records"), EvidenceRecord, EvidenceRow, ("evidence_id",)
)
REGIONS = TableSpec("regions", N_("Regions"), Region, RegionRow, ("name",), per_dataset=True)
CANDIDATES = TableSpec(
    "candidates",
    N_("Planning candidates"),
    Candidate,
    CandidateRow,
    ("id",),
    list_fields=("cost_by_year", "fee_schedule"),
    renames={"id": "candidate_id"},
    per_dataset=True,
)
# A table's key (the name files, the CLI's --table and refusals in English use) in the
# reader's words: English shows the key itself, another language names the table.
TABLE_WORDS: Labels = Labels(
    {
        "programmes": N_("programmes"),
        "evidence": N_("evidence"),
        "regions": N_("regions"),
        "candidates": N_("candidates"),
        "proposals": N_("proposals"),
        "net_assessments": N_("net_assessments"),
        "file": N_("file"),
    }
)


def table_words(name: str) -> str:
    """A table key in the reader's words ("candidates" -> "candidatos de planificación")."""
    return TABLE_WORDS.get(name, name)


# Dependency order: a row may only refer to tables earlier in this list.
SPECS: tuple[TableSpec, ...] = (PROGRAMMES, EVIDENCE, REGIONS, CANDIDATES)
SPECS_BY_NAME = {s.name: s for s in SPECS}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, located as precisely as possible."""

    table: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        # The column keeps the name the file uses; the table is named in the reader's
        # words (in English: its key, as the file and the CLI name it).
        where = [table_words(self.table)]
        if self.row is not None:
            where.append(_("row {row}").format(row=self.row))
        if self.column:
            where.append(_("column {column}").format(column=self.column))
        return f"{', '.join(where)}: {self.message}"


class ImportRejected(ValueError):
    """The file was rejected; nothing was written. ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:MAX_PROBLEMS_SHOWN])
        more = len(self.problems) - MAX_PROBLEMS_SHOWN
        tail = "\n  " + _("... and {n} more").format(n=numbers.count(more)) if more > 0 else ""
        head = ngettext(
            "rejected, nothing was written ({n} problem):",
            "rejected, nothing was written ({n} problems):",
            len(self.problems),
        ).format(n=numbers.count(len(self.problems)))
        super().__init__(f"{head}\n{shown}{tail}")


@dataclass(frozen=True)
class ValidTable:
    """Validated records of one table; ``row_numbers`` locate them in the file."""

    spec: TableSpec
    dataset: str
    records: tuple[BaseModel, ...]
    row_numbers: tuple[int, ...] = ()
    # The schema fields the file has; an update writes only these, so a column the file
    # leaves out keeps its stored value instead of being blanked (empty: every field).
    columns: tuple[str, ...] = ()

    def rows(self) -> tuple[int | None, ...]:
        if len(self.row_numbers) == len(self.records):
            return self.row_numbers
        return (None,) * len(self.records)


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote (or would write, for a dry run), per table."""

    inserted: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    tables: tuple[ValidTable, ...]
    dry_run: bool

    def summary(self) -> str:
        parts = []
        for t in self.tables:
            n = t.spec.name
            parts.append(
                _("{table}: {new} new, {updated} updated, {unchanged} unchanged").format(
                    table=_(t.spec.label),
                    new=numbers.count(self.inserted.get(n, 0)),
                    updated=numbers.count(self.updated.get(n, 0)),
                    unchanged=numbers.count(self.unchanged.get(n, 0)),
                )
            )
        text = "; ".join(parts)
        if self.dry_run:
            return _("would write: {tables}").format(tables=text)
        return _("wrote: {tables}").format(tables=text)


def detect_spec(table: RawTable, table_hint: str | None = None) -> TableSpec:
    """Which table a sheet holds: the hint, else the sheet name, else its key column."""
    if table_hint:
        if table_hint not in SPECS_BY_NAME:
            raise FileRejected(
                _("unknown table '{name}'; choose one of {names}").format(
                    name=table_hint, names=", ".join(SPECS_BY_NAME)
                )
            )
        return SPECS_BY_NAME[table_hint]
    if table.name.lower() in SPECS_BY_NAME:
        return SPECS_BY_NAME[table.name.lower()]
    cols = set(table.header)
    if "evidence_id" in cols:
        return EVIDENCE
    if "programme_id" in cols and "instrument" in cols:
        return PROGRAMMES
    if {"id", "kind"} <= cols or "cost_by_year" in cols:
        return CANDIDATES
    if "lagging" in cols:
        return REGIONS
    raise FileRejected(
        _(
            "'{sheet}': cannot tell which table this is from its columns; the header needs "
            "evidence_id (evidence), programme_id and instrument (programmes), id, kind and "
            "cost_by_year (candidates), or name and lagging (regions)"
        ).format(sheet=table.name)
    )


def _strip_injection_guard(text: str) -> str:
    # Exports prefix formula-like text with a quote; take it off so round trips are exact.
    if text.startswith("'") and text[1:2] in INJECTION_PREFIXES:
        return text[1:]
    return text


def _is_numeric(annotation: Any) -> bool:
    """Whether a schema field holds numbers (``float``, ``int | None``, ``tuple[float, ...]``)."""
    if annotation in (int, float):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:  # model.domain.numbers.Finite
        return _is_numeric(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple):
        return any(_is_numeric(a) for a in typing.get_args(annotation) if a is not Ellipsis)
    return False


MAX_DIGITS = 30  # no figure here needs more; 5,000 digits would only overflow later


def _check_digits(text: str) -> None:
    """Refuse a number with absurdly many digits by name (read as float it is infinite,
    as an integer Python refuses it past 4,300 digits with an obscure message)."""
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_DIGITS:
        raise ValueError(
            _("a number with {digits} digits is out of range (at most {most} digits)").format(
                digits=numbers.count(digits), most=MAX_DIGITS
            )
        )


def _cell_to_input(
    spec: TableSpec,
    column: str,
    text: str,
    number_format: NumberFormat = "auto",
    stored_number: bool = False,
) -> Any:
    """The model input for one cell; a number is read in ``number_format`` (ValueError
    when it does not read, or reads two ways with no format declared), unless the
    workbook stored it as a number (``stored_number``)."""
    text = _strip_injection_guard(text)
    numeric = _is_numeric(spec.schema.model_fields[column].annotation)
    if numeric:
        for item in text.split(";") if column in spec.list_fields else (text,):
            _check_digits(item)
    if column in spec.list_fields:
        items = [p.strip() for p in text.split(";") if p.strip()] if text else []
        if not numeric:
            return items
        return [
            as_input(number_cell(p) if stored_number else parse_number(p, number_format))
            for p in items
        ]
    if text == "":
        return None
    if numeric:
        return as_input(number_cell(text) if stored_number else parse_number(text, number_format))
    annotation = str(spec.schema.model_fields[column].annotation)
    if "bool" in annotation:
        lowered = text.lower()
        if lowered in ("true", "yes", "1", "y"):
            return True
        if lowered in ("false", "no", "0", "n"):
            return False
    return text


def validate_table(
    table: RawTable,
    spec: TableSpec,
    dataset: str,
    problems: list[Problem],
    number_format: NumberFormat = "auto",
) -> list[BaseModel]:
    """Typed records of one table; every problem found is appended to ``problems``.

    Numbers in text cells are read in ``number_format`` (``model.formatting.parsing``).
    """
    known = set(spec.columns)
    extra_ok = {"dataset"} if spec.per_dataset else set()
    for col in table.header:
        if col not in known and col not in extra_ok:
            problems.append(Problem(spec.name, 1, col, _("unknown column (check its spelling)")))
    required = [
        name
        for name, f in spec.schema.model_fields.items()
        if f.is_required() and name not in table.header
    ]
    for col in required:
        problems.append(Problem(spec.name, 1, col, _("required column is missing")))
    if required:
        return []
    records: list[BaseModel] = []
    seen: dict[tuple[str, ...], int] = {}
    idx = {c: i for i, c in enumerate(table.header)}
    for cells, row_no in zip(table.rows, table.row_numbers, strict=True):
        row_dataset = cells[idx["dataset"]] if "dataset" in idx else ""
        if row_dataset and row_dataset != dataset:
            problems.append(
                Problem(
                    spec.name,
                    row_no,
                    "dataset",
                    _(
                        "row belongs to dataset '{row_dataset}' but the import is into '{dataset}'"
                    ).format(row_dataset=row_dataset, dataset=dataset),
                )
            )
            continue
        data: dict[str, Any] = {}
        unread: set[str] = set()
        for col in table.header:
            if col in known:
                try:
                    value = _cell_to_input(
                        spec,
                        col,
                        cells[idx[col]],
                        number_format,
                        table.is_number_cell(row_no, idx[col]),
                    )
                except ValueError as exc:
                    problems.append(Problem(spec.name, row_no, col, str(exc)))
                    unread.add(col)
                    continue
                if value is not None:
                    data[col] = value
        try:
            rec = spec.schema.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = err.get("loc", ())
                column = str(loc[0]) if loc else ""
                if column in unread or (unread and not column):
                    # Reported once, by its own message; a whole-record check cannot
                    # judge a record missing that value.
                    continue
                shown = cells[idx[column]] if column in idx else ""
                detail = error_text(err)
                if len(loc) > 1 and isinstance(loc[1], int):
                    detail = _("item {n}: {detail}").format(n=loc[1] + 1, detail=detail)
                if shown:
                    detail = _("{detail} (found '{found}')").format(detail=detail, found=shown[:60])
                problems.append(Problem(spec.name, row_no, column, detail))
            continue
        if unread:
            continue
        key = tuple(str(getattr(rec, k)) for k in spec.key)
        if key in seen:
            problems.append(
                Problem(
                    spec.name,
                    row_no,
                    spec.key[0],
                    _("duplicate id '{id}' (first seen in row {row})").format(
                        id="/".join(key), row=seen[key]
                    ),
                )
            )
            continue
        seen[key] = row_no
        records.append(rec)
    return records


def _check_references(engine: Engine, tables: list[ValidTable], problems: list[Problem]) -> None:
    """Evidence must name a known programme; candidates a known region of their dataset."""
    records = [(t.dataset, r) for t in tables for r in t.records]
    file_programmes = {r.programme_id for _dataset, r in records if isinstance(r, Programme)}
    file_regions = {(d, r.name) for d, r in records if isinstance(r, Region)}
    needs_programmes = any(t.spec is EVIDENCE for t in tables)
    needs_regions = any(t.spec is CANDIDATES for t in tables)
    with transaction(engine) as s:
        db_programmes = (
            set(s.scalars(select(ProgrammeRow.programme_id))) if needs_programmes else set()
        )
        db_regions = (
            {(d, n) for d, n in s.execute(select(RegionRow.dataset, RegionRow.name))}
            if needs_regions
            else set()
        )
    programmes = file_programmes | db_programmes
    regions = file_regions | db_regions
    for t in tables:
        rows = t.rows()
        if t.spec is EVIDENCE:
            for rec, row in zip(t.records, rows, strict=True):
                assert isinstance(rec, EvidenceRecord)
                pid = rec.programme_id
                if pid not in programmes:
                    problems.append(
                        Problem(
                            t.spec.name,
                            row,
                            "programme_id",
                            _(
                                "unknown programme '{id}' (import it in the programmes table first)"
                            ).format(id=pid),
                        )
                    )
        if t.spec is CANDIDATES:
            known = sorted(n for d, n in regions if d == t.dataset)
            for rec, row in zip(t.records, rows, strict=True):
                assert isinstance(rec, Candidate)
                region = rec.region
                if (t.dataset, region) not in regions:
                    hint = (
                        _("known: {names}").format(names=", ".join(known))
                        if known
                        else _("the dataset has no regions")
                    )
                    problems.append(
                        Problem(
                            t.spec.name,
                            row,
                            "region",
                            _("unknown region '{region}' in dataset '{dataset}' ({hint})").format(
                                region=region, dataset=t.dataset, hint=hint
                            ),
                        )
                    )


def to_orm_values(spec: TableSpec, rec: BaseModel, dataset: str) -> dict[str, Any]:
    """Column values for the ORM row of a validated record."""
    values: dict[str, Any] = {}
    for name, value in rec.model_dump().items():
        values[spec.orm_column(name)] = list(value) if isinstance(value, tuple) else value
    if spec.per_dataset:
        values["dataset"] = dataset
    return values


def _orm_key(spec: TableSpec, values: dict[str, Any]) -> tuple[Any, ...]:
    cols = (["dataset"] if spec.per_dataset else []) + [spec.orm_column(k) for k in spec.key]
    return tuple(values[c] for c in cols)


DATASET_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\- ]{0,63}$")


def check_dataset_name(name: str) -> str:
    """What is wrong with a planning dataset name ('' if nothing): 1 to 64 letters,
    digits, spaces and . _ -, the same limit on SQLite and PostgreSQL (PostgreSQL used
    to fail with a traceback past 64 characters while SQLite took them)."""
    if not name.strip():
        return _("the dataset name is empty; give one (e.g. demo)")
    if len(name) > 64:
        return _("the dataset name has {n} characters; use at most 64").format(
            n=numbers.count(len(name))
        )
    if not DATASET_PATTERN.match(name) or name != name.strip():
        return _(
            "the dataset name may hold letters, digits, spaces and . _ - only, starting "
            "with a letter or digit"
        )
    return ""


def parse_file(
    data: bytes,
    filename: str,
    *,
    table: str | None = None,
    dataset: str = DEFAULT_DATASET,
    number_format: NumberFormat = "auto",
) -> list[ValidTable]:
    """Read and validate a file without touching the database (raises ImportRejected).

    ``number_format`` is how the file writes numbers in text cells ("auto": not
    declared, and a number that reads two ways is refused naming both readings).
    """
    dataset_problem = check_dataset_name(dataset)
    if dataset_problem:
        raise ImportRejected([Problem("file", None, "dataset", dataset_problem)])
    try:
        raw_tables = read_tables(data, filename)
    except FileRejected as exc:
        raise ImportRejected([Problem("file", None, "", str(exc))]) from None
    problems: list[Problem] = []
    out: list[ValidTable] = []
    for raw in raw_tables:
        try:
            spec = detect_spec(raw, table if len(raw_tables) == 1 else None)
        except FileRejected as exc:
            problems.append(Problem(raw.name, None, "", str(exc)))
            continue
        before = len(problems)
        records = validate_table(raw, spec, dataset, problems, number_format)
        if len(problems) == before:
            # With no problems every data row became exactly one record, in order.
            present = tuple(c for c in raw.header if c in spec.columns)
            out.append(ValidTable(spec, dataset, tuple(records), raw.row_numbers, present))
    if problems:
        raise ImportRejected(problems)
    out.sort(key=lambda t: SPECS.index(t.spec))
    return out


def import_file(
    engine: Engine,
    data: bytes,
    filename: str,
    *,
    table: str | None = None,
    dataset: str = DEFAULT_DATASET,
    mode: Mode = "upsert",
    dry_run: bool = False,
    user: User,
    number_format: NumberFormat = "auto",
) -> ImportReport:
    """Validate ``data`` whole, then write it in one transaction (or not at all).

    Only an admin may import (``PermissionDenied`` otherwise, checked before reading),
    and only an admin may have a file checked (``dry_run``): reading an upload costs the
    server memory and time, so a viewer's upload is never parsed.
    """
    require(user, "data.import")
    tables = parse_file(data, filename, table=table, dataset=dataset, number_format=number_format)
    problems: list[Problem] = []
    _check_references(engine, tables, problems)
    if problems:
        raise ImportRejected(problems)
    return write_tables(
        engine, tables, mode=mode, dry_run=dry_run, actor=user.username, source=filename
    )


def _merged_values(
    t: ValidTable, rec: BaseModel, existing: Any, row_no: int | None
) -> dict[str, Any]:
    """ORM values for updating ``existing`` from a file that has only some columns: the
    stored values for the others, the whole record checked again as merged."""
    data = {
        f: getattr(existing, t.spec.orm_column(f)) for f in t.spec.columns if f not in t.columns
    }
    data.update({f: getattr(rec, f) for f in t.columns})
    try:
        merged = t.spec.schema.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        column = str(err["loc"][0]) if err.get("loc") else ""
        raise ImportRejected(
            [
                Problem(
                    t.spec.name,
                    row_no,
                    column,
                    _(
                        "with the stored values of the columns this file leaves out: {detail}"
                    ).format(detail=error_text(err)),
                )
            ]
        ) from None
    return to_orm_values(t.spec, merged, t.dataset)


def write_tables(
    engine: Engine,
    tables: Iterable[ValidTable],
    *,
    mode: Mode = "upsert",
    dry_run: bool = False,
    actor: str = "",
    source: str = "",
    audit_unchanged: bool = True,
) -> ImportReport:
    """Upsert validated tables in dependency order in one transaction.

    The import is recorded in the audit log, unless it changed nothing and
    ``audit_unchanged`` is False (the seed, run at every start, adds no noise).
    """
    tables = sorted(tables, key=lambda t: SPECS.index(t.spec))
    inserted: dict[str, int] = {}
    updated: dict[str, int] = {}
    unchanged: dict[str, int] = {}
    with transaction(engine) as s:
        for t in tables:
            n_new = n_upd = n_same = 0
            for rec, row_no in zip(t.records, t.rows(), strict=True):
                values = to_orm_values(t.spec, rec, t.dataset)
                existing = s.get(t.spec.orm, _orm_key(t.spec, values))
                if existing is not None and t.columns and set(t.columns) != set(t.spec.columns):
                    values = _merged_values(t, rec, existing, row_no)
                if existing is None:
                    n_new += 1
                    if not dry_run:
                        s.add(t.spec.orm(**values))
                elif mode == "insert_missing" or all(
                    getattr(existing, k) == v for k, v in values.items()
                ):
                    n_same += 1
                else:
                    n_upd += 1
                    if not dry_run:
                        for k, v in values.items():
                            setattr(existing, k, v)
            inserted[t.spec.name] = n_new
            updated[t.spec.name] = n_upd
            unchanged[t.spec.name] = n_same
        report = ImportReport(inserted, updated, unchanged, tuple(tables), dry_run)
        if dry_run:
            return report
        if not audit_unchanged and not any(inserted.values()) and not any(updated.values()):
            return report
        s.flush()
        s.add(
            AuditEventRow(
                actor=actor,
                action="import",
                entity=",".join(t.spec.name for t in tables),
                entity_key=source,
                before=None,
                after={"inserted": inserted, "updated": updated, "unchanged": unchanged},
            )
        )
    return report
