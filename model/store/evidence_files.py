"""The evidence dataset from the shipped CSV files (``data/``), validated as an import is.

The engine (``model.costbenefit``) takes an ``EvidenceDataset`` and never reads
files itself; this module is the file side of that seam.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from model.costbenefit.dataset import EvidenceDataset
from model.domain.evidence import Deflator, EvidenceRecord, Programme
from model.formatting.i18n import _
from model.store.importer import ImportRejected, error_text, parse_file
from model.store.tabular import read_tables

PROGRAMMES_FILE = "programmes.csv"
EVIDENCE_FILE = "evidence.csv"
DEFLATORS_FILE = "deflators.csv"

M = TypeVar("M", bound=BaseModel)


def load_csv_dataset(data_dir: Path | str) -> EvidenceDataset:
    """Read ``programmes.csv``, ``evidence.csv`` and ``deflators.csv`` from ``data_dir``.

    The files are validated exactly as an import would be (``model.store.importer``):
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
        raise ValueError(_("{path}: file not found").format(path=path))
    (table,) = read_tables(path.read_bytes(), path.name)
    out: list[Deflator] = []
    for cells, row in zip(table.rows, table.row_numbers, strict=True):
        try:
            out.append(Deflator.model_validate(dict(zip(table.header, cells, strict=True))))
        except ValidationError as exc:
            err = exc.errors()[0]
            column = ".".join(str(p) for p in err["loc"]) or "row"
            raise ValueError(
                _("{file}, row {row}, column {column}: {problem}").format(
                    file=path.name,
                    row=row,
                    column=column,
                    problem=err["msg"] if err["type"] == "value_error" else error_text(err),
                )
            ) from None
    return tuple(out)


def _read_table(path: Path, table: str, model: type[M]) -> tuple[M, ...]:
    if not path.is_file():
        raise ValueError(_("{path}: file not found").format(path=path))
    try:
        (valid,) = parse_file(path.read_bytes(), path.name, table=table)
    except ImportRejected as exc:
        raise ValueError(f"{path.name}: " + "; ".join(str(p) for p in exc.problems)) from None
    return tuple(r for r in valid.records if isinstance(r, model))
