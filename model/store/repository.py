"""Read the evidence and planning tables back as the typed domain objects."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from model import DATA_DIR
from model.costbenefit.dataset import EvidenceDataset
from model.domain.candidates import Candidate, Region
from model.domain.evidence import EvidenceRecord, Programme
from model.store import migrate
from model.store.db import transaction
from model.store.evidence_files import DEFLATORS_FILE, load_deflators
from model.store.importer import CANDIDATES, EVIDENCE, PROGRAMMES, REGIONS
from model.store.orm import CandidateRow, EvidenceRow, ProgrammeRow, RegionRow


def fetch_programmes(engine: Engine) -> list[Programme]:
    with transaction(engine) as s:
        rows = s.scalars(select(ProgrammeRow).order_by(ProgrammeRow.programme_id)).all()
        return [
            Programme.model_validate({c: getattr(r, c) for c in PROGRAMMES.columns}) for r in rows
        ]


def fetch_evidence(engine: Engine) -> list[EvidenceRecord]:
    with transaction(engine) as s:
        rows = s.scalars(select(EvidenceRow).order_by(EvidenceRow.evidence_id)).all()
        return [
            EvidenceRecord.model_validate({c: getattr(r, c) for c in EVIDENCE.columns})
            for r in rows
        ]


def fetch_regions(engine: Engine, dataset: str) -> list[Region]:
    with transaction(engine) as s:
        rows = s.scalars(
            select(RegionRow).where(RegionRow.dataset == dataset).order_by(RegionRow.name)
        ).all()
        return [Region.model_validate({c: getattr(r, c) for c in REGIONS.columns}) for r in rows]


def fetch_candidates(engine: Engine, dataset: str) -> list[Candidate]:
    with transaction(engine) as s:
        rows = s.scalars(
            select(CandidateRow)
            .where(CandidateRow.dataset == dataset)
            .order_by(CandidateRow.candidate_id)
        ).all()
        return [
            Candidate.model_validate(
                {c: getattr(r, CANDIDATES.orm_column(c)) for c in CANDIDATES.columns}
            )
            for r in rows
        ]


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
            "the database is not migrated: run `fomento db upgrade && fomento db seed`"
        )
    return EvidenceDataset(
        tuple(fetch_programmes(engine)),
        tuple(fetch_evidence(engine)),
        load_deflators(DATA_DIR / DEFLATORS_FILE),
    )
