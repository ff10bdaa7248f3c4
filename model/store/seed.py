"""Load the shipped evidence and demo planning data (idempotent: existing rows are kept)."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from model import DATA_DIR
from model.accounts.auth import User
from model.domain.candidates import Candidate, Region
from model.store.db import transaction
from model.store.importer import ImportReport, ValidTable, parse_file, write_tables
from model.store.orm import ScenarioRow

DEMO_DATASET = "demo"
BASELINE_NAME = "Demo baseline"
BASELINE_FILE = DATA_DIR / "scenarios" / "demo.json"
SYSTEM_USER = User(username="system", role="admin")
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


def demo_rows() -> tuple[list[Candidate], list[Region]]:
    """The shipped demo candidates and regions, validated exactly as an import would be."""
    tables = {t.spec.name: t.records for t in shipped_tables()}
    cands = [c for c in tables["candidates"] if isinstance(c, Candidate)]
    regions = [r for r in tables["regions"] if isinstance(r, Region)]
    return cands, regions


SEED_ATTEMPTS = 3


def seed(engine: Engine) -> ImportReport:
    """Insert the shipped rows that are missing; rows already present are left as they are.

    Safe to run twice at once (two ``fomento db seed`` on a fresh database): the one that
    loses the race for a key finds the other's rows on its next attempt and adds none.
    A seed that adds nothing writes no audit event.
    """
    tables = shipped_tables()
    for attempt in range(1, SEED_ATTEMPTS + 1):
        try:
            return write_tables(
                engine,
                tables,
                mode="insert_missing",
                actor="system",
                source="seed",
                audit_unchanged=False,
            )
        except IntegrityError:
            if attempt == SEED_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def seed_baseline(engine: Engine) -> bool:
    """Save the solved demo scenario as "Demo baseline" unless it exists; True if added."""
    # Imported here: the allocator's demo generator imports this module.
    from model.allocator.api import allocate
    from model.allocator.scenario import load_scenario
    from model.store.scenarios import save_scenario

    with transaction(engine) as s:
        if s.scalar(select(ScenarioRow.id).where(ScenarioRow.name == BASELINE_NAME)):
            return False
    scenario = load_scenario(BASELINE_FILE)
    try:
        save_scenario(
            engine,
            SYSTEM_USER,
            scenario,
            name=BASELINE_NAME,
            result=allocate(scenario),
            notes="Shipped with the demo data (data/scenarios/demo.json); illustrative.",
            dataset=DEMO_DATASET,
        )
    except ValueError as exc:
        if "exists already" in str(exc):  # a seed running at the same time saved it first
            return False
        raise
    return True
