"""Engine, loader and CLI on tiny hand-checkable fixtures."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from model import DATA_DIR, cli
from model.costbenefit import (
    EvidenceDataset,
    compute_programme_metrics,
    metrics_table,
    npv,
)
from model.domain.evidence import Deflator, EvidenceRecord, Programme
from model.store.evidence_files import load_csv_dataset

REL = 1e-9
IRR_ABS = 1e-7
SEED = "004_4fc2925a8217210d.txt"
CPI = (
    Deflator(year=2000, index=100.0, source="test index"),
    Deflator(year=2001, index=110.0, source="test index"),
    Deflator(year=2002, index=121.0, source="test index"),
)


def rec(eid: str, metric: str, value: float, unit: str = "count", **kw: object) -> EvidenceRecord:
    money = {"currency": "USD", "price_year": 2000} if unit == "USD" else {}
    return EvidenceRecord.model_validate(
        {
            "evidence_id": eid,
            "programme_id": "X",
            "metric": metric,
            "value": value,
            "unit": unit,
            "source_file": SEED,
            "passage": "fixture",
            **money,
            **kw,
        }
    )


def one(*records: EvidenceRecord) -> EvidenceDataset:
    programme = Programme(programme_id="X", name="Fixture", source_file=SEED, passage="fixture")
    return EvidenceDataset((programme,), records, CPI)


def test_export_cash_flows_give_npv_bcr_and_irr() -> None:
    # cost 100 in 2000; exports 1,000 (2000) then 1,121 (2002): 1,100 in 2001 by log-linear steps
    ds = one(
        rec("X-1", "total_cost", 100, "USD"),
        rec("X-2", "exports", 1000, "USD", period_start=2000, period_end=2000),
        rec("X-3", "exports", 1210, "USD", period_start=2002, period_end=2002),
    )
    (pm,) = compute_programme_metrics(ds, discount_rate=0.10, horizon_years=10)
    flows = [-100.0, 100.0, 210.0]
    npv_row = pm.get("npv_exports")
    assert npv_row is not None
    assert npv_row.range.value == pytest.approx(npv(0.10, flows), rel=REL)
    bcr_row = pm.get("bcr_exports")
    assert bcr_row is not None
    assert bcr_row.range.value == pytest.approx((100 / 1.1 + 210 / 1.21) / 100, rel=REL)
    irr_row = pm.get("irr_exports")
    assert irr_row is not None and irr_row.range.value is not None
    assert npv(irr_row.range.value, flows) == pytest.approx(0.0, abs=1e-6)
    assert "gross sales" in npv_row.formula


def test_horizon_truncates_export_flows() -> None:
    ds = one(
        rec("X-1", "total_cost", 100, "USD"),
        rec("X-2", "exports", 1000, "USD", period_start=2000, period_end=2000),
        rec("X-3", "exports", 1210, "USD", period_start=2002, period_end=2002),
    )
    (pm,) = compute_programme_metrics(ds, discount_rate=0.10, horizon_years=1)
    row = pm.get("npv_exports")
    assert row is not None and row.range.value == pytest.approx(-100 + 100 / 1.1, rel=REL)


def test_price_year_converts_money_and_not_counts() -> None:
    ds = one(rec("X-1", "total_cost", 1000, "USD"), rec("X-2", "networks_formed", 10))
    (pm,) = compute_programme_metrics(ds, price_year=2002)
    row = pm.get("cost_per_network")
    assert row is not None
    assert row.range.value == pytest.approx(1000 * 1.21 / 10, rel=REL)
    assert row.price_year == 2002
    assert "CPI-U 2002/2000" in row.formula


def test_unknown_price_year_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="price_year 1990"):
        compute_programme_metrics(one(rec("X-1", "networks_formed", 3)), price_year=1990)


def test_missing_cost_gives_no_cost_metric_and_a_warning() -> None:
    (pm,) = compute_programme_metrics(one(rec("X-1", "networks_formed", 3)))
    assert pm.get("cost_per_network") is None
    assert any(w.startswith("missing cost") for w in pm.warnings)
    (row,) = metrics_table([pm])
    assert row["label"] == "no computable metric" and "missing cost" in row["programme_warnings"]


def test_ranged_denominator_gives_low_and_high() -> None:
    ds = one(
        rec("X-1", "total_cost", 600, "USD"),
        EvidenceRecord.model_validate(
            {
                "evidence_id": "X-2",
                "programme_id": "X",
                "metric": "enterprises_reached",
                "low": 200,
                "high": 300,
                "unit": "count",
                "source_file": SEED,
                "passage": "fixture",
            }
        ),
    )
    (pm,) = compute_programme_metrics(ds)
    row = pm.get("cost_per_enterprise")
    assert row is not None
    assert (row.range.value, row.range.low, row.range.high) == (None, 2.0, 3.0)


def write_fixture(tmp: Path) -> Path:
    (tmp / "programmes.csv").write_text(
        "# fixture\nprogramme_id,name,source_file,passage\nX,Fixture,f.txt,para 1\n",
        encoding="utf-8",
    )
    (tmp / "evidence.csv").write_text(
        "evidence_id,programme_id,metric,qualifier,value,low,high,unit,currency,price_year,"
        "period_start,period_end,basis,source_file,passage,note\n"
        "X-1,X,total_cost,,680000,,,USD,USD,2000,,,,f.txt,para 1,\n"
        "X-2,X,networks_formed,,33,,,count,,,,,,f.txt,para 1,\n",
        encoding="utf-8",
    )
    (tmp / "deflators.csv").write_text(
        "year,index,source\n2000,100,test\n2002,121,test\n", encoding="utf-8"
    )
    return tmp


def test_loader_reads_comments_and_empty_cells(tmp_path: Path) -> None:
    ds = load_csv_dataset(write_fixture(tmp_path))
    assert [p.programme_id for p in ds.programmes] == ["X"]
    assert ds.records[1].price_year is None and ds.records[1].qualifier == ""


def test_loader_names_file_line_and_column(tmp_path: Path) -> None:
    write_fixture(tmp_path)
    path = tmp_path / "evidence.csv"
    path.write_text(path.read_text().replace("33,,,count", "33,,,parsecs"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"evidence\.csv: evidence, row 3, column unit"):
        load_csv_dataset(tmp_path)


def test_loader_rejects_unknown_programme(tmp_path: Path) -> None:
    write_fixture(tmp_path)
    path = tmp_path / "evidence.csv"
    path.write_text(path.read_text().replace("X-2,X,", "X-2,Y,"), encoding="utf-8")
    with pytest.raises(ValueError, match="X-2: programme_id 'Y'"):
        load_csv_dataset(tmp_path)


def test_evidence_command_is_registered() -> None:
    assert "model.cli.evidence" in cli.COMMAND_MODULES


@pytest.fixture
def only_evidence_command(monkeypatch: pytest.MonkeyPatch) -> None:
    # Other modules' commands are not under test here and may need a database.
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("model.cli.evidence",))


@pytest.mark.usefixtures("only_evidence_command")
def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_fixture(tmp_path)
    code = cli.main(
        ["evidence", "--format", "json", "--price-year", "2002", "--data-dir", str(data)]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["price_year"] == 2002 and doc["discount_rate"] == 0.05
    (row,) = [r for r in doc["rows"] if r["metric"] == "cost_per_network"]
    assert row["value"] == pytest.approx(680_000 * 1.21 / 33, rel=REL)
    assert row["sources"] == "f.txt: para 1"


@pytest.mark.usefixtures("only_evidence_command")
def test_cli_csv_matches_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_fixture(tmp_path)
    assert cli.main(["evidence", "--format", "csv", "--data-dir", str(data)]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    expected = metrics_table(compute_programme_metrics(load_csv_dataset(data)))
    assert [r["metric"] for r in rows] == [e["metric"] for e in expected]
    (row,) = [r for r in rows if r["metric"] == "cost_per_network"]
    assert float(row["value"]) == pytest.approx(680_000 / 33, rel=REL)
    assert row["price_year"] == "2000"


@pytest.mark.usefixtures("only_evidence_command")
def test_cli_bad_price_year_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_fixture(tmp_path)
    assert cli.main(["evidence", "--price-year", "1950", "--data-dir", str(data)]) == 2
    assert "price_year 1950" in capsys.readouterr().err


def test_cli_default_reads_the_app_database(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOMENTO_DATABASE_URL", seeded_url)
    assert cli.main(["evidence"]) == 0
    out = capsys.readouterr().out
    assert "HND" in out and "Cost per network" in out and "20,606" in out
    # The seeded database and the shipped CSV files give the very same figures.
    assert cli.main(["evidence", "--format", "json"]) == 0
    from_db = json.loads(capsys.readouterr().out)
    assert cli.main(["evidence", "--format", "json", "--data-dir", str(DATA_DIR)]) == 0
    assert json.loads(capsys.readouterr().out) == from_db
