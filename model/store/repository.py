"""Read the evidence and planning tables back as the typed domain objects."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, func, select

from model import DATA_DIR
from model.costbenefit.dataset import EvidenceDataset
from model.domain.candidates import Candidate, Region
from model.domain.evidence import EvidenceRecord, Programme
from model.formatting.i18n import _
from model.store import migrate
from model.store.db import transaction
from model.store.evidence_files import DEFLATORS_FILE, load_deflators
from model.store.importer import CANDIDATES, EVIDENCE, PROGRAMMES, REGIONS, error_text
from model.store.orm import CandidateRow, EvidenceRow, ProgrammeRow, RegionRow

M = TypeVar("M", bound=BaseModel)


def _valid(model: type[M], values: dict[str, Any], where: str, bad: list[str] | None) -> M | None:
    """The record, or None with a warning in ``bad``: a row written before a check
    existed (a NaN, a figure in the wrong unit) must not take a page down."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        column = ".".join(str(p) for p in err["loc"])
        if bad is not None:
            if column:
                where = _("{row}, column {column}").format(row=where, column=column)
            bad.append(
                _(
                    "{where}: {problem} (the row is left out; fix it by importing a corrected file)"
                ).format(where=where, problem=error_text(err))
            )
        return None


def fetch_programmes(engine: Engine, bad: list[str] | None = None) -> list[Programme]:
    """Stored programmes; a row that no longer validates is left out and, with ``bad``
    given, described there (table, key, column and why)."""
    with transaction(engine) as s:
        rows = s.scalars(select(ProgrammeRow).order_by(ProgrammeRow.programme_id)).all()
        out = [
            _valid(
                Programme,
                {c: getattr(r, c) for c in PROGRAMMES.columns},
                _("programmes row {id}").format(id=r.programme_id),
                bad,
            )
            for r in rows
        ]
    return [p for p in out if p is not None]


def fetch_evidence(engine: Engine, bad: list[str] | None = None) -> list[EvidenceRecord]:
    """Stored evidence records; invalid rows as in ``fetch_programmes``."""
    with transaction(engine) as s:
        rows = s.scalars(select(EvidenceRow).order_by(EvidenceRow.evidence_id)).all()
        out = [
            _valid(
                EvidenceRecord,
                {c: getattr(r, c) for c in EVIDENCE.columns},
                _("evidence row {id}").format(id=r.evidence_id),
                bad,
            )
            for r in rows
        ]
    return [e for e in out if e is not None]


def fetch_regions(engine: Engine, dataset: str, bad: list[str] | None = None) -> list[Region]:
    """A dataset's regions; invalid rows as in ``fetch_programmes``."""
    with transaction(engine) as s:
        rows = s.scalars(
            select(RegionRow).where(RegionRow.dataset == dataset).order_by(RegionRow.name)
        ).all()
        out = [
            _valid(
                Region,
                {c: getattr(r, c) for c in REGIONS.columns},
                _("regions row {id}").format(id=r.name),
                bad,
            )
            for r in rows
        ]
    return [g for g in out if g is not None]


def fetch_candidates(engine: Engine, dataset: str, bad: list[str] | None = None) -> list[Candidate]:
    """A dataset's candidates; invalid rows as in ``fetch_programmes``."""
    with transaction(engine) as s:
        rows = s.scalars(
            select(CandidateRow)
            .where(CandidateRow.dataset == dataset)
            .order_by(CandidateRow.candidate_id)
        ).all()
        out = [
            _valid(
                Candidate,
                {c: getattr(r, CANDIDATES.orm_column(c)) for c in CANDIDATES.columns},
                _("candidates row {id}").format(id=r.candidate_id),
                bad,
            )
            for r in rows
        ]
    return [c for c in out if c is not None]


def stored_row_problems(engine: Engine, dataset: str | None = None) -> list[str]:
    """Warnings for stored rows that no longer validate (each is left out of reads)."""
    bad: list[str] = []
    fetch_programmes(engine, bad)
    fetch_evidence(engine, bad)
    if dataset is not None:
        fetch_regions(engine, dataset, bad)
        fetch_candidates(engine, dataset, bad)
    return bad


def list_datasets(engine: Engine) -> list[str]:
    """Planning datasets that have candidates, the demo first."""
    with transaction(engine) as s:
        names = list(s.scalars(select(CandidateRow.dataset).distinct()))
    return sorted(names, key=lambda n: (n != "demo", n))


def table_counts(engine: Engine) -> dict[str, int]:
    """Row counts of the seeded tables (used by the home page and `db status`)."""
    with transaction(engine) as s:
        return {
            spec.name: int(s.scalar(select(func.count()).select_from(spec.orm)) or 0)
            for spec in (PROGRAMMES, EVIDENCE, REGIONS, CANDIDATES)
        }


def load_evidence_dataset(engine: Engine) -> EvidenceDataset:
    """The database's programmes and evidence with the shipped deflator table."""
    if not migrate.is_up_to_date(engine):
        raise ValueError(
            _("the database is not migrated: run `fomento db upgrade && fomento db seed`")
        )
    return EvidenceDataset(
        tuple(fetch_programmes(engine)),
        tuple(fetch_evidence(engine)),
        load_deflators(DATA_DIR / DEFLATORS_FILE),
    )
