"""Non-finite and out-of-range numbers (issue 17): refused at every boundary with row
and column named, and a bad row already stored degrades to a warning, not a dead page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from model import DATA_DIR
from model.allocator.scenario import load_scenario, parse_scenario
from model.cli import main
from model.domain.candidates import Candidate
from model.domain.evidence import EvidenceRecord
from model.store import db
from model.store.importer import ImportRejected, parse_file
from model.store.orm import EvidenceRow
from model.store.repository import fetch_evidence, stored_row_problems
from tests.test_pages import open_page

HEADER = "evidence_id,programme_id,metric,value,unit,currency,price_year,source_file,passage\n"
DEMO = json.loads((DATA_DIR / "scenarios" / "demo.json").read_text(encoding="utf-8"))
BAD_NUMBERS = ["nan", "NaN", "inf", "-Infinity", "1e308", "-1e300", "9" * 40]


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_evidence_import_refuses_non_finite_numbers(text: str) -> None:
    data = HEADER + f"E1,P1,firms_in_cluster,{text},count,,,f.txt,p\n"
    with pytest.raises(ImportRejected) as exc:
        parse_file(data.encode(), "e.csv", table="evidence")
    (problem,) = exc.value.problems
    assert (problem.row, problem.column) == (2, "value"), problem


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_candidate_import_refuses_non_finite_numbers(text: str) -> None:
    row = dict.fromkeys(Candidate.model_fields, "")
    row.update(
        id="C1", name="c", kind="matching_grant", region="Norte", cost_by_year=f"100;{text}",
        enterprises="1", enterprises_low="1", enterprises_high="1", jobs="1", jobs_low="1",
        jobs_high="1", benefit=text, benefit_low="0", benefit_high="1e20",
    )  # fmt: skip
    data = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    with pytest.raises(ImportRejected) as exc:
        parse_file(data.encode(), "c.csv", table="candidates")
    columns = {p.column for p in exc.value.problems}
    assert {"cost_by_year", "benefit", "benefit_high"} <= columns, exc.value.problems
    assert all(p.row == 2 for p in exc.value.problems)


def test_money_metric_in_share_unit_is_refused() -> None:
    data = HEADER + "E1,P1,total_cost,0.5,share,,,f.txt,p\n"
    with pytest.raises(ImportRejected, match="total_cost is measured in USD, not share"):
        parse_file(data.encode(), "e.csv", table="evidence")


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("budget", "total"), float("nan"), "budget.total: Input should be a finite number"),
        (("budget", "total"), 1e308, "budget.total: 1e+308 is out of range"),
        (("horizon_years",), True, "horizon_years: must be a number, not true"),
        (("candidates", 0, "benefit"), float("inf"), "candidates[0].benefit"),
    ],
)
def test_scenario_refuses_non_finite_and_bool_numbers(
    path: tuple[str | int, ...], value: object, expected: str
) -> None:
    data = json.loads(json.dumps(DEMO))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValueError, match=re.escape(expected)):
        parse_scenario(data)


def test_contradictory_kind_floors_are_refused() -> None:
    """Floors of 0.9 and 0.9 used to solve to 'optimal' with US$0 spent."""
    data = json.loads(json.dumps(DEMO))
    data.setdefault("rules", {})["policy_mix"] = {
        "kind_shares": {"cluster_initiative": {"min": 0.9}, "broker_programme": {"min": 0.9}}
    }
    with pytest.raises(ValueError, match="minimum shares add up to 180%"):
        parse_scenario(data)


def test_scenario_json_with_a_bom_and_deep_nesting(tmp_path: Path) -> None:
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(DEMO).encode())
    assert load_scenario(bom).name == DEMO["name"]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(ValueError, match="not JSON"):
        load_scenario(deep)


def test_cli_allocate_deep_json_and_nan_budget_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"a":' * 5000 + "1" + "}" * 5000)
    assert main(["allocate", str(deep)]) == 2
    data = json.loads(json.dumps(DEMO))
    data["budget"] = {"total": float("nan")}
    nan = tmp_path / "nan.json"
    nan.write_text(json.dumps(data))  # Python writes the bare NaN token
    assert main(["allocate", str(nan)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "finite number" in err


def test_bad_stored_row_is_a_warning_not_a_dead_page(app_db: str) -> None:
    """A NaN and a money figure in 'share' written before the checks existed."""
    eng: Engine = db.make_engine(app_db)
    good = len(fetch_evidence(eng))
    programme = fetch_evidence(eng)[0].programme_id
    common = {"programme_id": programme, "source_file": "f.txt", "passage": "p", "note": ""}
    with db.transaction(eng) as s:
        s.execute(
            insert(EvidenceRow),
            [
                {
                    **common,
                    "evidence_id": "ZZ-NAN",
                    "metric": "firms_in_cluster",
                    "value": float("nan"),
                    "unit": "count",
                },
                {
                    **common,
                    "evidence_id": "ZZ-SHARE",
                    "metric": "total_cost",
                    "value": 0.5,
                    "unit": "share",
                },
            ],
        )
    assert len(fetch_evidence(eng)) == good  # both left out of every read
    problems = stored_row_problems(eng)
    # PostgreSQL keeps the NaN; SQLite stores it as NULL: either way the row is named.
    assert any(p.startswith("evidence row ZZ-NAN") for p in problems)
    assert any("evidence row ZZ-SHARE" in p and "measured in USD" in p for p in problems)
    for page in ("pages/evidence.py", "pages/data.py"):
        at = open_page(page)
        shown = " ".join(w.value for w in at.warning)
        assert "ZZ\\-NAN" in shown or "ZZ-NAN" in shown, page
    eng.dispose()


def test_records_refuse_non_finite_directly() -> None:
    with pytest.raises(ValueError, match="finite"):
        EvidenceRecord(
            evidence_id="E", programme_id="P", metric="x", value=float("nan"), unit="count",
            source_file="f", passage="p",
        )  # fmt: skip


def test_evidence_csv_neutralises_formula_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Evidence CSV (page download and `fomento evidence --format csv`) let 7
    cells starting with = + - @ out live; every other export quotes them."""
    import csv as csv_module
    import io
    import shutil

    for name in ("programmes.csv", "evidence.csv", "deflators.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    text = (tmp_path / "programmes.csv").read_text(encoding="utf-8")
    header, first, *rest = [ln for ln in text.splitlines() if not ln.startswith("#")]
    cols = next(csv_module.reader([header]))
    row = next(csv_module.reader([first]))
    for payload, col in zip(
        ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)"],
        ["name", "agency", "description"],
        strict=True,
    ):
        row[cols.index(col)] = payload
    buf = io.StringIO()
    csv_module.writer(buf, lineterminator="\n").writerows([cols, row])
    (tmp_path / "programmes.csv").write_text(buf.getvalue() + "\n".join(rest) + "\n")
    assert main(["evidence", "--format", "csv", "--data-dir", str(tmp_path)]) == 0
    cells = [c for r in csv_module.reader(io.StringIO(capsys.readouterr().out)) for c in r]
    assert '\'=HYPERLINK("http://x")' in cells
    live = [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _is_num(c))]
    assert not live, live


def _is_num(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_stored_overflowing_proposal_does_not_take_the_page_down(app_db: str) -> None:
    """A 1e308 amount stored before the checks killed the Proposals page (OverflowError)."""
    from sqlalchemy import update

    from model.accounts.auth import LOCAL_USER
    from model.store.orm import ProposalRow
    from model.store.proposal_files import fetch_proposals, import_proposals

    eng: Engine = db.make_engine(app_db)
    example = DATA_DIR / "proposals_example.csv"
    import_proposals(eng, example.read_bytes(), example.name, user=LOCAL_USER)
    n = len(fetch_proposals(eng))
    with db.transaction(eng) as s:
        s.execute(
            update(ProposalRow)
            .where(ProposalRow.proposal_id == "P-001")
            .values(amount_requested=1e308)
        )
    bad: list[str] = []
    assert len(fetch_proposals(eng, bad)) == n - 1
    assert bad and bad[0].startswith("proposal P-001, column amount_requested")
    open_page("pages/proposals.py")  # asserts no exception
    eng.dispose()


@pytest.mark.parametrize("amount", [float("inf"), -float("inf"), 1e308])
def test_proposal_form_refuses_non_finite_amounts(amount: float) -> None:
    from model.screening.forms import FormInvalid, build_proposal

    fields = {
        "proposal_id": "P-9",
        "title": "t",
        "region": "Norte",
        "amount_requested": amount,
        "duration_months": 12,
    }
    with pytest.raises(FormInvalid) as exc:
        build_proposal(fields, [], [])
    assert any(p.field == "amount_requested" for p in exc.value.problems), exc.value.problems
