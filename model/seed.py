"""Load the shipped evidence and demo planning data (idempotent: existing rows are kept)."""

from __future__ import annotations

from sqlalchemy import Engine

from model import DATA_DIR
from model.importer import ImportReport, ValidTable, parse_file, write_tables

DEMO_DATASET = "demo"
# (file, table); order matters: evidence refers to programmes, candidates to regions.
SHIPPED_FILES: tuple[tuple[str, str], ...] = (
    ("programmes.csv", "programmes"),
    ("evidence.csv", "evidence"),
    ("demo_regions.csv", "regions"),
    ("demo_candidates.csv", "candidates"),
)


def shipped_tables() -> list[ValidTable]:
    """The shipped CSV files, validated like any import (raises ImportRejected)."""
    tables: list[ValidTable] = []
    for filename, table in SHIPPED_FILES:
        path = DATA_DIR / filename
        tables += parse_file(path.read_bytes(), filename, table=table, dataset=DEMO_DATASET)
    return tables


def seed(engine: Engine) -> ImportReport:
    """Insert the shipped rows that are missing; rows already present are left as they are."""
    return write_tables(
        engine, shipped_tables(), mode="insert_missing", actor="system", source="seed"
    )
