"""The evidence dataset the engine reads, and its loader from the shipped CSV files.

``EvidenceDataset`` is what every source (CSV files here, the database later)
hands to the engine, so the engine never sees a path or a connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from model.evidence import Deflator, EvidenceRecord, Programme
from model.importer import ImportRejected, parse_file
from model.tabular import read_tables

PROGRAMMES_FILE = "programmes.csv"
EVIDENCE_FILE = "evidence.csv"
DEFLATORS_FILE = "deflators.csv"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class EvidenceDataset:
    """Programmes, their cited figures, and the price index for constant dollars."""

    programmes: tuple[Programme, ...]
    records: tuple[EvidenceRecord, ...]
    deflators: tuple[Deflator, ...] = ()

    def __post_init__(self) -> None:
        # Canonical order, so results never depend on the source (a file, the database).
        object.__setattr__(
            self, "programmes", tuple(sorted(self.programmes, key=lambda p: p.programme_id))
        )
        object.__setattr__(
            self, "records", tuple(sorted(self.records, key=lambda r: r.evidence_id))
        )
        object.__setattr__(self, "deflators", tuple(sorted(self.deflators, key=lambda d: d.year)))
        ids = [p.programme_id for p in self.programmes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"programmes: duplicate programme_id {', '.join(dupes)}")
        ev_ids = [r.evidence_id for r in self.records]
        ev_dupes = sorted({i for i in ev_ids if ev_ids.count(i) > 1})
        if ev_dupes:
            raise ValueError(f"evidence: duplicate evidence_id {', '.join(ev_dupes)}")
        known = set(ids)
        for r in self.records:
            if r.programme_id not in known:
                raise ValueError(
                    f"evidence {r.evidence_id}: programme_id {r.programme_id!r} "
                    "is not in the programmes"
                )
        years = [d.year for d in self.deflators]
        if len(set(years)) != len(years):
            raise ValueError("deflators: a year appears twice")

    def records_for(self, programme_id: str) -> tuple[EvidenceRecord, ...]:
        """The records of one programme, in dataset order."""
        return tuple(r for r in self.records if r.programme_id == programme_id)


def load_csv_dataset(data_dir: Path | str) -> EvidenceDataset:
    """Read ``programmes.csv``, ``evidence.csv`` and ``deflators.csv`` from ``data_dir``.

    The files are validated exactly as an import would be (``model.importer``):
    a bad file raises ``ValueError`` naming the file, row and column of every problem.
    """
    root = Path(data_dir)
    programmes = _read_table(root / PROGRAMMES_FILE, "programmes", Programme)
    records = _read_table(root / EVIDENCE_FILE, "evidence", EvidenceRecord)
    try:
        return EvidenceDataset(programmes, records, load_deflators(root / DEFLATORS_FILE))
    except ValueError as exc:
        raise ValueError(f"{root}: {exc}") from exc


def load_deflators(path: Path) -> tuple[Deflator, ...]:
    """The price index table (one row per year), validated row by row."""
    if not path.is_file():
        raise ValueError(f"{path}: file not found")
    (table,) = read_tables(path.read_bytes(), path.name)
    out: list[Deflator] = []
    for cells, row in zip(table.rows, table.row_numbers, strict=True):
        try:
            out.append(Deflator.model_validate(dict(zip(table.header, cells, strict=True))))
        except ValidationError as exc:
            err = exc.errors()[0]
            column = ".".join(str(p) for p in err["loc"]) or "row"
            raise ValueError(f"{path.name}, row {row}, column {column}: {err['msg']}") from None
    return tuple(out)


def _read_table(path: Path, table: str, model: type[M]) -> tuple[M, ...]:
    if not path.is_file():
        raise ValueError(f"{path}: file not found")
    try:
        (valid,) = parse_file(path.read_bytes(), path.name, table=table)
    except ImportRejected as exc:
        raise ValueError(f"{path.name}: " + "; ".join(str(p) for p in exc.problems)) from None
    return tuple(r for r in valid.records if isinstance(r, model))
