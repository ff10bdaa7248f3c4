"""Numbers written the Latin American way are read as declared, and never guessed.

"250.000" in a Colombian spreadsheet is two hundred and fifty thousand; read the US way
it is 250. With no declared format such a value is refused, naming both readings, and
nothing is written. A declared format settles it. Excel cells stored as numbers are
numbers already. Every importer is covered: evidence, programmes and candidates through
``model.store.importer``, proposals (amounts and indicator targets), and the command line.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine, select

from model.accounts.auth import User
from model.cli import main
from model.formatting.parsing import (
    FORMAT_EXAMPLES,
    READING_FORMATS,
    NumberAmbiguous,
    NumberFormat,
    NumberNotRead,
    ReadingFormat,
    parse_number,
    readings,
)
from model.store.db import transaction
from model.store.importer import ImportRejected, import_file
from model.store.orm import ProposalRow
from model.store.proposal_files import import_proposals, parse_proposals
from model.store.repository import fetch_candidates, fetch_evidence, table_counts
from tests.profiles import examples
from tests.test_pages import open_page

ADMIN = User("root", "admin")
PROGRAMMES_CSV = (
    "programme_id,name,country,region,instrument,agency,period_start,period_end,"
    "description,source_file,passage\n"
    "HND,Honduras networks,Honduras,Central America,broker_programme,UNIDO,1993,1998,"
    "Network brokers,002_190a6727378b83c7.txt,Honduras\n"
)
REGIONS_CSV = "name,country,lagging,note\nNorte,Ejemplo,false,\nSur,Ejemplo,true,\n"
EVIDENCE_HEADER = (
    "evidence_id,programme_id,metric,qualifier,value,low,high,unit,currency,price_year,"
    "period_start,period_end,basis,source_file,passage,note\n"
)
CAND_HEADER = (
    "id,name,kind,region,sector,start_year,cost_by_year,public_share_floor,"
    "public_share_ceiling,fee_schedule,partner_match,match_ratio,grant_cap,eligible,"
    "networks_needed,networks_served,enterprises,enterprises_low,enterprises_high,jobs,"
    "jobs_low,jobs_high,benefit,benefit_low,benefit_high,evidence_basis\n"
)
PROPOSAL_HEADER = "proposal_id,title,region,entities,amount_requested,duration_months,indicators\n"
ENTITIES = "A|business_enterprise;B|knowledge_institution;C|business_enterprise"


def evidence_row(value: str) -> str:
    return (
        f'HND-01,HND,total_cost,,"{value}",,,USD,USD,1998,1993,1998,,002_190a6727378b83c7.txt,'
        "Honduras,\n"
    )


def candidate_row(costs: str, match: str = "0", shares: tuple[str, str] = ("0.2", "0.6")) -> str:
    floor, ceiling = shares
    return (
        f'C1,Dairy cluster,cluster_initiative,Sur,dairy,1,"{costs}","{floor}","{ceiling}",,'
        f'"{match}",,,true,3,0,30,20,40,10,5,15,700000,400000,900000,\n'
    )


def proposal_row(amount: str, indicators: str = "") -> str:
    return f'P1,Dairy,Norte,{ENTITIES},"{amount}",12,"{indicators}"\n'


@pytest.fixture
def base(engine: Engine) -> Engine:
    import_file(engine, PROGRAMMES_CSV.encode(), "programmes.csv", user=ADMIN)
    import_file(engine, REGIONS_CSV.encode(), "r.csv", table="regions", user=ADMIN)
    return engine


def proposal_count(engine: Engine) -> int:
    with transaction(engine) as s:
        return len(list(s.scalars(select(ProposalRow.proposal_id))))


def refused(engine: Engine, text: str, **kw: object) -> ImportRejected:
    before = table_counts(engine)
    with pytest.raises(ImportRejected) as info:
        import_file(engine, text.encode(), "f.csv", user=ADMIN, **kw)  # type: ignore[arg-type]
    assert table_counts(engine) == before, "a refused file writes nothing"
    return info.value


# --- the parser ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "one", "other"),
    [
        ("250.000", "250", "250000"),
        ("1,500", "1500", "1.5"),
        ("12.375", "12.375", "12375"),
        ("-1,500", "-1500", "-1.5"),
    ],
)
def test_a_value_that_reads_two_ways_is_refused_naming_both(
    text: str, one: str, other: str
) -> None:
    with pytest.raises(NumberAmbiguous) as info:
        parse_number(text)
    message = str(info.value)
    assert f"{one} (read as" in message and f"{other} (read as" in message
    assert {Decimal(one), Decimal(other)} == set(info.value.readings)


@pytest.mark.parametrize(
    ("text", "fmt", "value"),
    [
        ("250.000", "es", "250000"),
        ("250.000", "en", "250"),
        ("250.000", "plain", "250"),
        ("1,500", "en", "1500"),
        ("1,500", "es", "1.5"),
        ("1,500", "space", "1.5"),
        ("1 234 567,89", "space", "1234567.89"),
        ("1\u00a0234,5", "space", "1234.5"),
        ("1\u202f234,5", "space", "1234.5"),
        ("1.234.567,89", "es", "1234567.89"),
        ("1,234,567.89", "en", "1234567.89"),
        ("1234567.89", "plain", "1234567.89"),
        ("2.5e6", "plain", "2500000"),
        ("+7", "en", "7"),
    ],
)
def test_a_declared_format_settles_the_reading(text: str, fmt: NumberFormat, value: str) -> None:
    assert parse_number(text, fmt) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("0.35", "0.35"),
        ("0,35", "0.35"),
        ("1 500", "1500"),
        ("2024", "2024"),
        ("1,5", "1.5"),
        ("0.125", "0.125"),
        ("1.500.000", "1500000"),
        ("1,500,000", "1500000"),
    ],
)
def test_a_value_with_one_reading_needs_no_declaration(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "fmt", "hint"),
    [
        ("1.234,56", "en", "read as 1.234,56 it is 1234.56"),
        ("1,234.56", "es", "read as 1,234.56 it is 1234.56"),
        ("1 234", "plain", "read as 1 234,56 it is 1234"),
        ("12,34,5", "en", ""),
    ],
)
def test_a_value_the_declared_format_cannot_write_is_refused(
    text: str, fmt: NumberFormat, hint: str
) -> None:
    with pytest.raises(NumberNotRead) as info:
        parse_number(text, fmt)
    assert f"declared format {FORMAT_EXAMPLES[fmt]}" in str(info.value)
    assert hint in str(info.value)


@pytest.mark.parametrize(
    "text", ["", "abc", "NaN", "Infinity", "1_000", "US$ 5", "-", "1.2.3,4,5", "5%", "0x10"]
)
def test_text_that_is_no_number_is_refused_in_every_format(text: str) -> None:
    assert readings(text) == {}
    for fmt in ("auto", *READING_FORMATS):
        with pytest.raises(NumberNotRead):
            parse_number(text, fmt)  # type: ignore[arg-type]


_BABEL_LOCALE = {"en": "en_US", "es": "es_CO", "space": "fr_FR"}


def written(value: Decimal, fmt: ReadingFormat, space: str) -> str:
    """``value`` as a person using ``fmt`` writes it (Babel's CLDR patterns)."""
    if fmt == "plain":
        return format(value, "f")
    text = format_decimal(value, locale=_BABEL_LOCALE[fmt], decimal_quantization=False)
    return text.replace("\u202f", space) if fmt == "space" else text


locale_numbers = st.tuples(
    st.decimals(min_value=-(10**10), max_value=10**10, places=2, allow_nan=False),
    st.sampled_from(READING_FORMATS),
    st.sampled_from([" ", "\u00a0", "\u202f"]),
)


@settings(max_examples=examples(300), deadline=None)
@given(locale_numbers)
def test_a_number_written_in_any_format_reads_back_as_declared(
    case: tuple[Decimal, ReadingFormat, str],
) -> None:
    value, fmt, space = case
    text = written(value, fmt, space)
    assert parse_number(text, fmt) == value
    # Undeclared, it either reads the one way or is refused with this reading named.
    try:
        assert parse_number(text) == value
    except NumberAmbiguous as exc:
        assert value in exc.readings and len(exc.readings) >= 2


# --- the importers ------------------------------------------------------------------


def test_ambiguous_evidence_value_is_refused_with_row_column_and_both_readings(
    base: Engine,
) -> None:
    exc = refused(base, EVIDENCE_HEADER + evidence_row("680000") + evidence_row("250.000"))
    (problem,) = exc.problems
    assert (problem.table, problem.row, problem.column) == ("evidence", 3, "value")
    assert "250 (read as 1,234.56 or 1234.56)" in problem.message
    assert "250000 (read as 1.234,56)" in problem.message


def test_evidence_value_in_the_declared_format_is_written(base: Engine) -> None:
    text = EVIDENCE_HEADER + evidence_row("250.000")
    import_file(base, text.encode(), "e.csv", user=ADMIN, number_format="es")
    assert [r.value for r in fetch_evidence(base)] == [250000.0]


def test_ambiguous_programme_year_is_refused(engine: Engine) -> None:
    text = PROGRAMMES_CSV.replace(",1993,", ',"1.993",')
    exc = refused(engine, text)
    assert [(p.table, p.row, p.column) for p in exc.problems] == [("programmes", 2, "period_start")]
    assert "1993 (read as 1.234,56)" in str(exc.problems[0])
    import_file(engine, text.encode(), "p.csv", user=ADMIN, number_format="es")
    assert table_counts(engine)["programmes"] == 1


def test_ambiguous_candidate_cost_in_a_list_and_benefit_are_refused(base: Engine) -> None:
    text = CAND_HEADER + candidate_row("250.000;100000", match="1,500")
    exc = refused(base, text, dataset="demo")
    found = {(p.row, p.column) for p in exc.problems}
    assert found == {(2, "cost_by_year"), (2, "partner_match")}
    message = "\n".join(str(p) for p in exc.problems)
    assert "candidates, row 2, column cost_by_year: '250.000' reads two ways" in message
    assert "1500 (read as 1,234.56)" in message and "1.5 (read as 1.234,56" in message


def test_candidates_in_each_declared_format_import_to_the_same_numbers(base: Engine) -> None:
    files = {
        "en": candidate_row("250,000;1,000,000.5", match="1,500"),
        "es": candidate_row("250.000;1.000.000,5", match="1.500", shares=("0,2", "0,6")),
        "space": candidate_row("250 000;1 000 000,5", match="1 500", shares=("0,2", "0,6")),
        "plain": candidate_row("250000;1000000.5", match="1500"),
    }
    seen = set()
    for fmt, row in files.items():
        import_file(
            base,
            (CAND_HEADER + row).encode(),
            "c.csv",
            dataset="demo",
            user=ADMIN,
            number_format=fmt,  # type: ignore[arg-type]
        )
        (cand,) = fetch_candidates(base, "demo")
        seen.add((cand.cost_by_year, cand.partner_match))
    assert seen == {((250000.0, 1000000.5), 1500.0)}


def test_a_wrong_declaration_is_caught_when_a_value_cannot_be_written_so(base: Engine) -> None:
    text = CAND_HEADER + candidate_row("250.000;1.000.000,5", shares=("0,2", "0,6"))
    exc = refused(base, text, dataset="demo", number_format="en")
    assert "not a number in the declared format 1,234.56" in str(exc.problems[0])
    assert "read as 1.234,56 it is 1000000.5" in str(exc.problems[0])


def _workbook(rows: list[list[object]], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_excel_number_cells_are_numbers_and_text_cells_are_read(base: Engine) -> None:
    header: list[object] = list(EVIDENCE_HEADER.strip().split(","))
    row: list[object] = [
        "HND-01", "HND", "total_cost", "", 250.125, None, None, "USD", "USD", 1998,
        1993, 1998, "", "002_190a6727378b83c7.txt", "Honduras", "",
    ]  # fmt: skip
    import_file(base, _workbook([header, row], "evidence"), "e.xlsx", user=ADMIN)
    assert [r.value for r in fetch_evidence(base)] == [250.125]
    row[4] = "250.000"  # typed as text in the workbook: read by format, here refused
    with pytest.raises(ImportRejected) as info:
        import_file(base, _workbook([header, row], "evidence"), "e.xlsx", user=ADMIN)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "value")]
    assert [r.value for r in fetch_evidence(base)] == [250.125], "nothing written"


def test_ambiguous_proposal_amount_and_indicator_target_are_refused(engine: Engine) -> None:
    text = PROPOSAL_HEADER + proposal_row("250.000", "jobs|short||1,500|jobs")
    with pytest.raises(ImportRejected) as info:
        import_proposals(engine, text.encode(), "p.csv", user=ADMIN)
    got = {(p.row, p.column): p.message for p in info.value.problems}
    assert set(got) == {(2, "amount_requested"), (2, "indicators")}
    assert "250000 (read as 1.234,56)" in got[(2, "amount_requested")]
    assert got[(2, "indicators")].startswith("indicator 1 target: '1,500' reads two ways")
    assert proposal_count(engine) == 0


def test_proposals_in_the_declared_format_are_written(engine: Engine) -> None:
    text = PROPOSAL_HEADER + proposal_row("250.000", "jobs|short|1.000|1.500,5|jobs")
    import_proposals(engine, text.encode(), "p.csv", user=ADMIN, number_format="es")
    (p,) = parse_proposals(text.encode(), "p.csv", "es")
    assert p.amount_requested == 250000.0
    assert (p.indicators[0].baseline, p.indicators[0].target) == (1000.0, 1500.5)
    with transaction(engine) as s:
        amounts = list(s.scalars(select(ProposalRow.amount_requested)))
    assert amounts == [250000.0]


def test_a_number_error_does_not_hide_the_other_problems_of_its_row(engine: Engine) -> None:
    text = PROPOSAL_HEADER + 'P1,Dairy,Norte,A|guild,"1,500",12,\n'
    with pytest.raises(ImportRejected) as info:
        parse_proposals(text.encode(), "p.csv")
    assert {p.column for p in info.value.problems} == {"amount_requested", "entities"}


# --- the command line ---------------------------------------------------------------


def test_fomento_import_takes_a_number_format(
    base: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FOMENTO_DATABASE_URL", base.url.render_as_string(hide_password=False))
    path = tmp_path / "evidence.csv"
    path.write_text(EVIDENCE_HEADER + evidence_row("250.000"))
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column value: '250.000' reads two ways" in err
    assert fetch_evidence(base) == []
    assert main(["import", str(path), "--number-format", "es"]) == 0
    assert [r.value for r in fetch_evidence(base)] == [250000.0]


def test_fomento_screen_takes_a_number_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "proposals.csv"
    path.write_text(PROPOSAL_HEADER + proposal_row("250.000"))
    assert main(["screen", str(path)]) == 2
    assert "column amount_requested: '250.000' reads two ways" in capsys.readouterr().err
    assert main(["screen", str(path), "--number-format", "es", "--format", "json"]) == 0
    assert '"amount_requested": 250000.0' in capsys.readouterr().out


# --- the upload pages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "uploader", "select", "go", "text"),
    [
        (
            "pages/proposals.py",
            "proposals_upload",
            "proposals_number_format",
            "proposals_import_go",
            PROPOSAL_HEADER + proposal_row("250.000"),
        ),
        (
            "pages/data.py",
            "data_import_file",
            "data_import_number_format",
            "data_import_go",
            EVIDENCE_HEADER + evidence_row("250.000"),
        ),
    ],
)
def test_upload_pages_refuse_ambiguous_numbers_until_the_format_is_declared(
    app_db: str, page: str, uploader: str, select: str, go: str, text: str
) -> None:
    at = open_page(page)
    assert at.selectbox(key=select).value == "auto"
    at.file_uploader(key=uploader).set_value(("upload.csv", text.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "row 2, column" in errors and "'250.000' reads two ways" in errors
    assert "250000 (read as 1.234,56)" in errors and "250 (read as 1,234.56" in errors
    assert not any(b.key == go for b in at.button), "no import button for a refused file"
    at.selectbox(key=select).set_value("es").run()
    assert not at.exception and not at.error
    assert any("is valid" in s.value for s in at.success)
