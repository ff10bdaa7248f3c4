"""CSV and Excel import: every rejection names row, column and problem; nothing half-written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from model.accounts.auth import VIEWER, PermissionDenied, User
from model.cli import main
from model.store.exporter import csv_bytes, export_all, export_directory, xlsx_bytes
from model.store.importer import ImportRejected, import_file
from model.store.repository import fetch_candidates, fetch_evidence, fetch_programmes, table_counts

ADMIN = User("root", "admin")
PROGRAMMES_CSV = (
    "programme_id,name,country,region,instrument,agency,period_start,period_end,"
    "description,source_file,passage\n"
    "HND,Honduras networks,Honduras,Central America,broker_programme,UNIDO,1993,1998,"
    "Network brokers,002_190a6727378b83c7.txt,Honduras\n"
)
EVIDENCE_HEADER = (
    "evidence_id,programme_id,metric,qualifier,value,low,high,unit,currency,price_year,"
    "period_start,period_end,basis,source_file,passage,note\n"
)
EVIDENCE_CSV = EVIDENCE_HEADER + (
    "HND-01,HND,total_cost,,680000,,,USD,USD,1998,1993,1998,,002_190a6727378b83c7.txt,"
    "Honduras,approximate\n"
    "HND-02,HND,sales_growth,six evaluated networks,,0.35,2.0,share,,,1993,1998,absolute,"
    "002_190a6727378b83c7.txt,Honduras,\n"
)
REGIONS_CSV = "name,country,lagging,note\nNorte,Ejemplo,false,\nSur,Ejemplo,true,\n"
CAND_HEADER = (
    "id,name,kind,region,sector,start_year,cost_by_year,public_share_floor,"
    "public_share_ceiling,fee_schedule,partner_match,match_ratio,grant_cap,eligible,"
    "networks_needed,networks_served,enterprises,enterprises_low,enterprises_high,jobs,"
    "jobs_low,jobs_high,benefit,benefit_low,benefit_high,evidence_basis\n"
)
GOOD_CAND = (
    "C1,Dairy cluster,cluster_initiative,Sur,dairy,1,100000;100000,0.2,0.6,,0,,,true,"
    "3,0,30,20,40,10,5,15,700000,400000,900000,HND-01\n"
)


def _load(engine: Engine, text: str, name: str = "f.csv", **kw: object) -> None:
    import_file(engine, text.encode(), name, user=ADMIN, **kw)  # type: ignore[arg-type]


@pytest.fixture
def base(engine: Engine) -> Engine:
    _load(engine, PROGRAMMES_CSV, "programmes.csv")
    _load(engine, REGIONS_CSV, "regions.csv", table="regions", dataset="demo")
    return engine


def _rejected(engine: Engine, text: str | bytes, name: str = "bad.csv", **kw: object) -> str:
    before = table_counts(engine)
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ImportRejected) as info:
        import_file(engine, data, name, user=ADMIN, **kw)  # type: ignore[arg-type]
    assert table_counts(engine) == before, "a rejected file must write nothing"
    return "\n".join(str(p) for p in info.value.problems)


def test_good_files_import_and_detect_their_table(base: Engine) -> None:
    _load(base, EVIDENCE_CSV, "evidence.csv")
    _load(base, CAND_HEADER + GOOD_CAND, "cands.csv", dataset="demo")
    ev = {r.evidence_id: r for r in fetch_evidence(base)}
    assert ev["HND-01"].value == 680000
    assert (ev["HND-02"].value, ev["HND-02"].low, ev["HND-02"].high) == (None, 0.35, 2.0)
    (cand,) = fetch_candidates(base, "demo")
    assert cand.cost_by_year == (100000.0, 100000.0) and cand.public_share_floor == 0.2


def test_reimport_updates_instead_of_duplicating(base: Engine) -> None:
    _load(base, EVIDENCE_CSV)
    _load(base, EVIDENCE_CSV.replace("680000", "690000"))
    assert table_counts(base)["evidence"] == 2
    assert {r.evidence_id: r.value for r in fetch_evidence(base)}["HND-01"] == 690000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            CAND_HEADER + GOOD_CAND.replace(",1,100000;100000,", ",one,100000;100000,"),
            "row 3, column start_year",
        ),
        (CAND_HEADER + GOOD_CAND.replace("100000;100000", "100000;-5"), "negative"),
        (CAND_HEADER + GOOD_CAND.replace(",0.2,0.6,", ",0.2,1.6,"), "column public_share_ceiling"),
        (CAND_HEADER + GOOD_CAND.replace("cluster_initiative", "lottery"), "column kind"),
        (CAND_HEADER + GOOD_CAND.replace(",Sur,", ",Atlantis,"), "unknown region 'Atlantis'"),
        (
            CAND_HEADER + GOOD_CAND + GOOD_CAND,
            "row 4, column id: duplicate id 'C1' (first seen in row 3)",
        ),
        (
            CAND_HEADER.replace("kind,", "") + GOOD_CAND.replace("cluster_initiative,", ""),
            "row 1, column kind: required column is missing",
        ),
        (CAND_HEADER + GOOD_CAND.replace(",30,20,40,", ",10,20,40,"), "enterprises_low"),
    ],
    ids=[
        "wrong-type",
        "negative-cost",
        "share-outside-0-1",
        "unknown-kind",
        "unknown-region",
        "duplicate-id",
        "missing-column",
        "range-order",
    ],
)
def test_bad_candidate_rows_are_rejected_whole(base: Engine, text: str, expected: str) -> None:
    # A good row first: it must not be written either.
    good_first = text.replace(CAND_HEADER, CAND_HEADER + GOOD_CAND.replace("C1,", "C0,"), 1)
    message = _rejected(base, good_first, dataset="demo", table="candidates")
    assert expected in message


def test_unknown_programme_in_evidence(base: Engine) -> None:
    message = _rejected(base, EVIDENCE_CSV.replace("HND-02,HND,", "HND-02,XYZ,"))
    assert "row 3, column programme_id: unknown programme 'XYZ'" in message


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "empty.csv", "the file is empty"),
        (b"evidence_id,programme_id\n", "header.csv", "no data rows"),
        ("evidence_id\nHND-1\u00e9".encode("latin-1"), "latin.csv", "not UTF-8"),
        (b"PK\x03\x04garbage-not-a-zip", "fake.xlsx", "not an Excel .xlsx workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image.csv", "not a text CSV"),
        (b"colour,size\nred,3\n", "other.csv", "cannot tell which table"),
    ],
    ids=["empty", "header-only", "undecodable", "not-a-spreadsheet", "binary", "unknown-table"],
)
def test_unreadable_files_are_rejected(base: Engine, data: bytes, name: str, expected: str) -> None:
    assert expected in _rejected(base, data, name)


def test_excel_workbook_with_several_sheets(engine: Engine) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, text in (("programmes", PROGRAMMES_CSV), ("evidence", EVIDENCE_CSV)):
        ws = wb.create_sheet(title)
        for line in text.strip().split("\n"):
            ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    import_file(engine, buf.getvalue(), "book.xlsx", user=ADMIN)
    assert table_counts(engine)["evidence"] == 2
    assert fetch_programmes(engine)[0].programme_id == "HND"


def test_export_reimports_to_identical_rows(seeded_engine: Engine, engine: Engine) -> None:
    tables = export_all(seeded_engine)
    for name in ("programmes", "evidence", "regions", "candidates"):
        import_file(engine, csv_bytes(tables[name]), f"{name}.csv", table=name, user=ADMIN)
    assert export_all(engine) == tables
    assert fetch_evidence(engine) == fetch_evidence(seeded_engine)
    assert fetch_candidates(engine, "demo") == fetch_candidates(seeded_engine, "demo")


def test_excel_export_reimports_to_identical_rows(seeded_engine: Engine, engine: Engine) -> None:
    tables = export_all(seeded_engine)
    import_file(engine, xlsx_bytes(tables), "all.xlsx", user=ADMIN)
    assert export_all(engine) == tables


def test_export_neutralises_formula_text(base: Engine) -> None:
    _load(base, EVIDENCE_CSV.replace(",approximate", ",=HYPERLINK(1)"))
    header, rows = export_all(base)["evidence"]
    note = rows[0][header.index("note")]
    assert note == "'=HYPERLINK(1)"
    # ...and the importer takes the guard off again.
    import_file(base, csv_bytes((header, rows)), "again.csv", user=ADMIN)
    assert {r.evidence_id: r.note for r in fetch_evidence(base)}["HND-01"] == "=HYPERLINK(1)"


def test_cli_import_export_and_status(
    base: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FOMENTO_DATABASE_URL", base.url.render_as_string(hide_password=False))
    good = tmp_path / "evidence.csv"
    good.write_text(EVIDENCE_CSV)
    assert main(["import", str(good)]) == 0
    assert "2 new" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(EVIDENCE_CSV.replace("680000", "lots"))
    assert main(["import", str(bad)]) == 2
    assert "row 2, column value" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "evidence.csv").read_text().count("HND-0") == 2
    written = export_directory(base, tmp_path / "x", "xlsx")
    assert written[0].suffix == ".xlsx"
    assert main(["db", "status"]) == 0
    assert "evidence: 2 rows" in capsys.readouterr().out


@pytest.mark.parametrize("role", ["viewer", "analyst", "screener"])
def test_only_admins_import(base: Engine, role: str) -> None:
    user = VIEWER if role == "viewer" else User("u", role)  # type: ignore[arg-type]
    before = table_counts(base)
    with pytest.raises(PermissionDenied):
        import_file(base, EVIDENCE_CSV.encode(), "evidence.csv", user=user)
    # A dry run (the preview) reads the file too: it needs the role as well (issue 17).
    with pytest.raises(PermissionDenied):
        import_file(base, EVIDENCE_CSV.encode(), "evidence.csv", user=user, dry_run=True)
    assert table_counts(base) == before
