"""Hostile and careless files (issue 17): bounded memory, no silent partial import,
clear messages, and an upload is read only for a role that may import it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine

from model.accounts.auth import User, create_user
from model.store import db
from model.store.importer import ImportRejected, import_file, parse_file
from model.store.net_files import parse_net_assessments
from model.store.proposal_files import parse_proposals
from model.store.tabular import MAX_COLUMNS, FileRejected, read_tables
from tests import hostile_xlsx as hx
from tests.test_pages import open_page

ROOT = Path(__file__).resolve().parent.parent
ADMIN = User("ana", "admin")
# Issue 17: any file within the 20 MB upload limit must stay under 200 MB of memory.
MEMORY_LIMIT_MB = 200

EVIDENCE_HEADER = [
    "evidence_id", "programme_id", "metric", "value", "unit", "source_file", "passage",
]  # fmt: skip


def _evidence_rows(n: int) -> list[list[object]]:
    return [[f"E{i}", "P1", "firms_reached", i + 1, "count", "f.txt", "p"] for i in range(n)]


def test_hostile_workbooks_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    """Each hostile file is read in a fresh process; its peak memory above the
    process's own baseline (imports and a tiny file read) stays under the limit."""
    script = textwrap.dedent(
        """
        import json, resource, sys
        sys.path.insert(0, ROOT)
        from tests import hostile_xlsx as hx
        from model.store.tabular import FileRejected, read_tables
        name = sys.argv[1]
        data = hx.HOSTILE[name]()
        read_tables(hx.workbook([hx.table("t", ["a"], [[1]])]), "tiny.xlsx")
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            read_tables(data, name + ".xlsx")
            outcome = "accepted"
        except FileRejected as exc:
            outcome = str(exc)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"size": len(data), "extra_mb": (peak - base) / 1024,
                          "outcome": outcome}))
        """
    ).replace("ROOT", repr(str(ROOT)), 1)
    results = {}
    for name in hx.HOSTILE:
        out = subprocess.run(
            [sys.executable, "-c", script, name],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    for name, r in results.items():
        assert r["size"] <= 20 * 2**20, name
        assert r["extra_mb"] < MEMORY_LIMIT_MB, (name, r)
        if name != "dimension_bomb":  # a lying dimension tag alone is no reason to refuse
            assert r["outcome"] != "accepted", (name, r)
    assert "at most 200 columns" in results["far_cell"]["outcome"]
    assert "rows past row" in results["far_row"]["outcome"]
    assert "unpacks to more than" in results["whitespace_bomb"]["outcome"]
    assert "DOCTYPE" in results["entity_bomb"]["outcome"]
    assert "32,767 characters" in results["long_text"]["outcome"]
    assert "1,000,000 cells" in results["many_cells"]["outcome"]


def test_lying_dimension_tag_imports_every_row() -> None:
    """A dimension tag saying A1:K2 over 50 rows used to import 1 row and drop 49."""
    data = hx.workbook(
        [hx.table("evidence", EVIDENCE_HEADER, _evidence_rows(50), dimension="A1:K2")]
    )
    (table,) = read_tables(data, "e.xlsx")
    assert len(table.rows) == 50
    assert table.row_numbers[-1] == 51


def test_formula_without_saved_value_is_named() -> None:
    data = hx.workbook(
        [hx.table("evidence", EVIDENCE_HEADER, _evidence_rows(3), formulas={(3, 4): "2*2"})]
    )
    with pytest.raises(FileRejected, match=r"sheet 'evidence': cell D3 holds a formula"):
        read_tables(data, "e.xlsx")


def test_wide_csv_is_refused_by_its_column_count() -> None:
    header = ",".join(f"c{i}" for i in range(50_000))
    with pytest.raises(
        FileRejected, match=f"50,000 columns; a table may have at most {MAX_COLUMNS}"
    ):
        read_tables(f"{header}\n1\n".encode(), "wide.csv")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"evidence_id;metric;value\nE1;x;1\n", "separated by semicolons"),
        (b'evidence_id,metric\nE1,"never closed\nE2,x\n', "opened in line 2 is never closed"),
        ("evidence_id,metric\nE1,x\n".encode("utf-16"), "UTF-16"),
        ("evidence_id,metric\nE1,x\n".encode("utf-16-le"), "UTF-16"),
        (b'evidence_id,metric\nE1,"a"b\n', "line 2 is not valid CSV"),
    ],
)
def test_careless_csv_gets_a_message_naming_the_real_problem(data: bytes, expected: str) -> None:
    with pytest.raises(FileRejected, match=expected):
        read_tables(data, "f.csv")


def test_five_thousand_digit_number_is_named() -> None:
    rows = "\n".join(
        [
            "evidence_id,programme_id,metric,value,unit,source_file,passage",
            "E1,P1,firms_reached," + "9" * 5000 + ",count,f.txt,p",
        ]
    )
    with pytest.raises(ImportRejected) as exc:
        parse_file(rows.encode(), "e.csv")
    (problem,) = exc.value.problems
    assert (problem.row, problem.column) == (2, "value")
    assert "5,000 digits" in problem.message


def test_notes_sheet_before_the_data_sheet() -> None:
    notes = hx.table("Read me", ["About this file"], [["Filled in by the team"]])
    proposals = (ROOT / "data" / "proposals_example.csv").read_text(encoding="utf-8")
    lines = [ln for ln in proposals.splitlines() if not ln.startswith("#")]
    import csv

    header, *rows = list(csv.reader(lines))
    data = hx.workbook([notes, hx.table("Sheet2", header, rows[:2])])
    assert len(parse_proposals(data, "p.xlsx")) == 2  # the sheet with the columns is used
    with pytest.raises(ImportRejected, match=r"none of the sheets \('Read me', 'Other'\)"):
        parse_proposals(hx.workbook([notes, hx.table("Other", ["x"], [["1"]])]), "p.xlsx")
    with pytest.raises(ImportRejected, match=r"none of the sheets \('Read me', 'Other'\)"):
        parse_net_assessments(hx.workbook([notes, hx.table("Other", ["x"], [["1"]])]), "n.xlsx")


@pytest.mark.parametrize("page", ["pages/data.py", "pages/proposals.py", "pages/networks.py"])
def test_viewers_get_no_upload_box(app_db: str, page: str) -> None:
    """Issue 17: the upload preview parsed files for anonymous viewers."""
    create_user(db.make_engine(app_db), "ana", "a-long-password-1", "admin")
    at = open_page(page)
    assert not at.get("file_uploader"), page
    assert any("read-only" in i.value for i in at.info)


def test_dry_run_needs_the_import_role(engine: Engine) -> None:
    from model.accounts.auth import VIEWER, PermissionDenied

    with pytest.raises(PermissionDenied):
        import_file(engine, b"evidence_id\nE1\n", "e.csv", user=VIEWER, dry_run=True)


def test_update_keeps_the_columns_the_file_leaves_out(engine: Engine) -> None:
    """An update used to blank every column the file did not have."""
    from model.store.repository import fetch_regions

    full = b"name,country,lagging,note\nNorte,Ejemplo,false,coastal plain\n"
    import_file(engine, full, "regions.csv", table="regions", user=ADMIN)
    partial = b"name,lagging\nNorte,true\n"
    report = import_file(engine, partial, "regions.csv", table="regions", user=ADMIN)
    assert report.updated == {"regions": 1}
    (norte,) = fetch_regions(engine, "demo")
    assert (norte.lagging, norte.note, norte.country) == (True, "coastal plain", "Ejemplo")
