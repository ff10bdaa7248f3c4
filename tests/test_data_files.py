"""The shipped CSV datasets: every row validates, ids link up, figures trace to the seeds.

The seed-tracing test reads the source documents from ``FOMENTO_SEEDS_DIR`` (default
``../shared/seeds`` beside the repository) and is skipped, with the reason shown, when
they are absent.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from collections import Counter
from pathlib import Path
from typing import TypeVar

import pytest
from pydantic import BaseModel

from model import DATA_DIR, PROJECT_ROOT
from model.domain.candidates import KINDS, Candidate, Region
from model.domain.evidence import SEED_FILES, EvidenceRecord, Programme

SEEDS_DIR = Path(os.environ.get("FOMENTO_SEEDS_DIR", PROJECT_ROOT.parent / "shared" / "seeds"))
LIST_FIELDS = ("cost_by_year", "fee_schedule")
GROWTH_SUFFIX = "_growth"

# Stated shares are rounded in the CSV (one third is written 0.3333).
SHARE_TOL = 1e-3
# Money is written in whole dollars.
MONEY_TOL = 0.5
# The demo must make a US$5 M plan choose: the public money candidates could absorb must
# exceed it by a wide margin.
DEMO_BUDGET_USD = 5_000_000
DEMO_MIN_OVERSUBSCRIPTION = 2.0

M = TypeVar("M", bound=BaseModel)

NUMBER_WORDS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
    8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen",
    14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen",
    19: "nineteen", 20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty",
    70: "seventy", 80: "eighty", 90: "ninety",
}  # fmt: skip


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of ``data/<name>`` as dicts, skipping leading comment lines that start with #."""
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as f:
        lines = list(f)
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    return list(csv.DictReader(lines[start:]))


def header(name: str) -> list[str]:
    rows = read_rows(name)
    assert rows, f"{name} has no data rows"
    return list(rows[0])


def to_model(model: type[M], row: dict[str, str], where: str) -> M:
    """Validate one CSV row: empty optional cells become None, list cells split on ';'."""
    data: dict[str, object] = {}
    for key, cell in row.items():
        field = model.model_fields[key]
        if key in LIST_FIELDS:
            data[key] = tuple(float(x) for x in cell.split(";")) if cell else ()
        elif cell == "" and not field.is_required() and field.default is None:
            data[key] = None
        else:
            data[key] = cell
    try:
        return model.model_validate(data)
    except ValueError as exc:
        raise AssertionError(f"{where}: {exc}") from exc


@functools.cache
def programmes() -> tuple[Programme, ...]:
    rows = read_rows("programmes.csv")
    return tuple(to_model(Programme, r, f"programmes.csv row {i}") for i, r in enumerate(rows, 2))


@functools.cache
def evidence() -> tuple[EvidenceRecord, ...]:
    rows = read_rows("evidence.csv")
    return tuple(
        to_model(EvidenceRecord, r, f"evidence.csv row {i}") for i, r in enumerate(rows, 2)
    )


@functools.cache
def regions() -> tuple[Region, ...]:
    rows = read_rows("demo_regions.csv")
    return tuple(to_model(Region, r, f"demo_regions.csv row {i}") for i, r in enumerate(rows, 2))


@functools.cache
def candidates() -> tuple[Candidate, ...]:
    rows = read_rows("demo_candidates.csv")
    return tuple(
        to_model(Candidate, r, f"demo_candidates.csv data row {i}") for i, r in enumerate(rows, 1)
    )


def evidence_by_id() -> dict[str, EvidenceRecord]:
    return {r.evidence_id: r for r in evidence()}


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("programmes.csv", Programme),
        ("evidence.csv", EvidenceRecord),
        ("demo_regions.csv", Region),
        ("demo_candidates.csv", Candidate),
    ],
)
def test_header_is_the_model_fields_in_order(name: str, model: type[BaseModel]) -> None:
    assert header(name) == list(model.model_fields)


def test_programmes_validate_with_unique_ids_and_seed_sources() -> None:
    ids = [p.programme_id for p in programmes()]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert {p.source_file for p in programmes()} <= set(SEED_FILES)


def test_evidence_validates_with_unique_ids_known_programmes_and_seed_sources() -> None:
    ids = [r.evidence_id for r in evidence()]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    known = {p.programme_id for p in programmes()}
    assert sorted({r.programme_id for r in evidence()} - known) == []
    assert sorted({r.source_file for r in evidence()} - set(SEED_FILES)) == []
    bad_ids = [r.evidence_id for r in evidence() if not r.evidence_id.startswith(r.programme_id)]
    assert bad_ids == []


def test_every_programme_has_evidence() -> None:
    used = {r.programme_id for r in evidence()}
    assert sorted(p.programme_id for p in programmes() if p.programme_id not in used) == []


def test_qualifier_and_basis_conventions() -> None:
    problems: list[str] = []
    for r in evidence():
        if r.metric == "fee_share" and not (r.qualifier.isdigit() and int(r.qualifier) >= 1):
            problems.append(f"{r.evidence_id}: fee_share qualifier must be a 1-based year")
        if r.metric == "cost_share" and not r.qualifier:
            problems.append(f"{r.evidence_id}: cost_share needs the payer as qualifier")
        is_growth = r.metric.endswith(GROWTH_SUFFIX)
        if is_growth and r.basis == "":
            problems.append(f"{r.evidence_id}: growth metric needs a basis")
        if not is_growth and r.basis != "":
            problems.append(f"{r.evidence_id}: basis is only for growth metrics")
        if is_growth and r.unit not in ("share", "share_per_year"):
            problems.append(f"{r.evidence_id}: growth must be a share or share_per_year")
    assert problems == []


def test_every_metric_is_documented_in_the_readme() -> None:
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, flags=re.MULTILINE))
    assert sorted({r.metric for r in evidence()} - documented) == []


def one(programme_id: str, metric: str, qualifier: str = "") -> EvidenceRecord:
    rows = [
        r
        for r in evidence()
        if r.programme_id == programme_id and r.metric == metric and r.qualifier == qualifier
    ]
    assert len(rows) == 1, f"{programme_id}/{metric}/{qualifier!r}: {len(rows)} rows"
    return rows[0]


def test_key_figures_the_cost_benefit_engine_relies_on() -> None:
    hnd_cost = one("HND", "total_cost")
    assert hnd_cost.value == pytest.approx(680_000, abs=MONEY_TOL)
    assert (hnd_cost.period_start, hnd_cost.period_end) == (1993, 1998)
    assert one("HND", "networks_formed").value == 33
    assert one("HND", "enterprises_reached").value == 300
    assert one("HND", "consultants").value == 8
    sales = one("HND", "sales_growth", "six evaluated networks")
    assert (sales.value, sales.low, sales.high) == (None, 0.35, 2.0)

    assert one("CERTEC", "brokers_trained").value == 71
    assert one("CERTEC", "networks_formed").value == 59
    assert one("CERTEC", "enterprises_reached").value == 1200
    assert one("CERTEC", "revenue").value == pytest.approx(60_000, abs=MONEY_TOL)
    recovery = one("CERTEC", "cost_recovery_share")
    assert (recovery.value, recovery.low, recovery.high) == (None, 0.5, None)

    assert one("CORDOBA", "return_per_dollar").value == 7
    assert one("CORDOBA", "return_per_public_dollar").value == 14

    fees = [one("EMASIM", "fee_share", str(year)) for year in range(1, 6)]
    assert [f.value for f in fees] == [0, 0, 0, 0.2, None]
    assert (fees[4].low, fees[4].high) == (0.4, None)

    ludhiana = {r.qualifier: r.value for r in evidence() if r.programme_id == "LUDHIANA"
                and r.metric == "cost_share"}  # fmt: skip
    assert ludhiana == {"UNIDO": 0.20, "private sector": 0.74, "other institutions": 0.06}
    mexico = [
        r.value for r in evidence() if r.programme_id == "MEX-PII" and r.metric == "cost_share"
    ]
    assert len(mexico) == 3
    assert all(v == pytest.approx(1 / 3, abs=SHARE_TOL) for v in mexico)

    exports = sorted(
        (r.period_start, r.value) for r in evidence()
        if r.programme_id == "CHONTALES" and r.metric == "exports"
    )  # fmt: skip
    assert exports == [(2000, 5.64e6), (2006, 12.77e6)]
    size = one("MIF-PI", "project_size")
    assert (size.low, size.high) == (150_000, 1_500_000)
    assert one("MIF-PI", "total_cost").value == pytest.approx(44.1e6, abs=MONEY_TOL)


# ---- figures traced to the seed text ---------------------------------------------------------


def normalise(text: str) -> str:
    """Drop thousands separators ("680,000", "1 200") and TeX escapes ("US\\$")."""
    text = text.replace("\\$", "$")
    return re.sub(r"(?<=\d)[,\u00a0 ](?=\d{3}(?!\d))", "", text)


def written_forms(number: float, unit: str) -> set[str]:
    """Ways a source may print ``number``: as is, as a percentage, in millions, in words."""
    candidates = [number]
    if unit in ("share", "share_per_year"):
        candidates.append(number * 100)
    if unit == "USD" and number >= 1e6:
        candidates.append(number / 1e6)
    forms: set[str] = set()
    for c in candidates:
        rounded = round(c, 6)
        if rounded == int(rounded):
            forms.add(str(int(rounded)))
            if int(rounded) in NUMBER_WORDS:
                forms.add(NUMBER_WORDS[int(rounded)])
        else:
            forms.add(repr(rounded))
    return forms


def appears(form: str, text: str) -> bool:
    if form.isalpha():
        return re.search(rf"\b{form}\b", text, flags=re.IGNORECASE) is not None
    return re.search(rf"(?<![\d.]){re.escape(form)}(?!\d|\.\d)", text) is not None


@functools.cache
def seed_text(name: str) -> str:
    return normalise((SEEDS_DIR / name).read_text(encoding="utf-8"))


def test_written_forms_cover_the_ways_seeds_print_numbers() -> None:
    assert {"0.35", "35"} <= written_forms(0.35, "share")
    assert {"1300000", "1.3"} <= written_forms(1.3e6, "USD")
    assert "eight" in written_forms(8, "count")
    assert appears("680000", normalise("approximately US\\$ 680,000 (contributed"))
    assert not appears("1.3", "a 1.35 ratio")
    assert not appears("3", "in 13 countries")


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed documents not found in {SEEDS_DIR}")
def test_every_stated_figure_appears_in_its_cited_seed() -> None:
    failures: list[str] = []
    for r in evidence():
        if r.note.startswith("derived:"):
            continue
        text = seed_text(r.source_file)
        numbers = [x for x in (r.value, r.low, r.high) if x is not None]
        if not any(appears(f, text) for x in numbers for f in written_forms(x, r.unit)):
            failures.append(f"{r.evidence_id} {r.metric} {numbers} not in {r.source_file}")
    assert failures == []


# ---- the illustrative demo planning dataset ---------------------------------------------------


def test_demo_candidates_file_opens_with_the_illustrative_warning() -> None:
    first = (DATA_DIR / "demo_candidates.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#")
    assert "ILLUSTRATIVE" in first


def test_demo_regions() -> None:
    names = [r.name for r in regions()]
    assert len(names) >= 6
    assert len(set(names)) == len(names)
    assert sum(r.lagging for r in regions()) >= 2
    assert len({r.country for r in regions()}) == 1


def test_demo_candidates_link_up_and_cover_every_kind() -> None:
    cands = candidates()
    assert len(cands) >= 30
    ids = [c.id for c in cands]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert sorted({c.region for c in cands} - {r.name for r in regions()}) == []
    assert {c.kind for c in cands} == set(KINDS)
    assert {r.name for r in regions()} <= {c.region for c in cands}


def test_demo_candidates_cite_existing_evidence() -> None:
    known = evidence_by_id()
    problems: list[str] = []
    for c in candidates():
        cited = re.findall(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d{2}\b", c.evidence_basis)
        if not cited:
            problems.append(f"{c.id}: evidence_basis names no evidence_id")
        problems += [f"{c.id}: unknown evidence_id {e}" for e in cited if e not in known]
    assert problems == []


def test_demo_candidates_are_internally_feasible() -> None:
    problems: list[str] = []
    for c in candidates():
        if c.kind == "broker_programme":
            if not c.fee_schedule or c.networks_served <= 0:
                problems.append(f"{c.id}: broker needs a fee schedule and networks_served")
            # The subsidy floor must fit under what fees leave, or funding it is infeasible.
            if c.fee_schedule and c.public_share_floor > 1 - max(c.fee_schedule) + SHARE_TOL:
                problems.append(f"{c.id}: floor above 1 - fee share")
            if len(c.fee_schedule) != len(c.cost_by_year):
                problems.append(f"{c.id}: one fee share per year of operation")
        if c.kind == "cluster_initiative" and c.networks_needed <= 0:
            problems.append(f"{c.id}: cluster initiative needs networks")
        if c.kind == "matching_grant":
            if c.match_ratio is None or c.grant_cap is None or c.partner_match <= 0:
                problems.append(f"{c.id}: grant needs match_ratio, grant_cap, partner_match")
        elif (c.match_ratio, c.grant_cap, c.partner_match) != (None, None, 0):
            problems.append(f"{c.id}: only matching grants carry match terms")
        if not 2 <= len(c.cost_by_year) <= 5:
            problems.append(f"{c.id}: duration outside 2-5 years")
    assert problems == []


def test_demo_public_need_oversubscribes_a_five_million_budget() -> None:
    need = 0.0
    for c in candidates():
        if not c.eligible:
            continue
        need += c.total_cost * c.public_share_ceiling
    assert need > DEMO_MIN_OVERSUBSCRIPTION * DEMO_BUDGET_USD
    assert not all(c.eligible for c in candidates() if c.kind == "matching_grant")


def test_demo_columns_describe_every_candidate_column_once() -> None:
    rows = read_rows("demo_columns.csv")
    assert list(rows[0]) == ["column", "unit", "meaning", "how_derived"]
    assert [r["column"] for r in rows] == list(Candidate.model_fields)
    assert all(r["meaning"] and r["how_derived"] for r in rows)
