"""The Evidence page through AppTest, on the seeded SQLite database, checked against the CLI."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from model import cli
from tests.test_pages import open_page

PAGE = "pages/evidence.py"
REL = 1e-9
HND_COST_PER_NETWORK_1998 = 680_000 / 33  # 002 Honduras: ~US$680,000 for 33 networks
CPI_2024_OVER_1998 = 313.689 / 163.0  # data/deflators.csv (BLS CPI-U annual averages)
# Columns the page shows that come straight from `fomento evidence --format json`.
SHARED = ("label", "unit", "basis", "period", "warnings", "programme_warnings", "sources")
NUMBERS = ("value", "low", "high", "price_year")


def table(at: AppTest) -> pd.DataFrame:
    df = at.dataframe[0].value
    assert isinstance(df, pd.DataFrame)
    return df


def hnd_cost_per_network(at: AppTest) -> pd.Series:
    df = table(at)
    (row,) = df[(df["programme_id"] == "HND") & (df["label"] == "Cost per network")].index
    return df.loc[row]


@pytest.fixture
def page(app_db: str) -> AppTest:
    at = open_page(PAGE)
    assert at.title[0].value == "Evidence"
    return at


def test_table_shows_honduras_cost_per_network_nominal(page: AppTest) -> None:
    row = hnd_cost_per_network(page)
    assert row["value"] == pytest.approx(HND_COST_PER_NETWORK_1998, rel=REL)
    assert row["shown"] == "20,606" and row["price_year"] == 1998
    # Each chart offers PNG and SVG; the table offers CSV and Excel.
    labels = [b.label for b in page.download_button]
    assert labels[:2] == ["CSV", "Excel"]
    assert labels.count("PNG") == labels.count("SVG") == 4


def test_price_year_2024_scales_cost_by_the_cpi_ratio(page: AppTest) -> None:
    page.selectbox(key="evidence_price_year").select("2024").run()
    assert not page.exception, [e.value for e in page.exception]
    row = hnd_cost_per_network(page)
    expected = HND_COST_PER_NETWORK_1998 * CPI_2024_OVER_1998
    assert row["value"] == pytest.approx(expected, rel=REL)
    assert row["price_year"] == 2024


def test_instrument_filter_keeps_only_that_instrument(page: AppTest) -> None:
    total = len(table(page))
    page.multiselect(key="evidence_instrument").select("matching_grant").run()
    assert not page.exception
    df = table(page)
    assert 0 < len(df) < total
    assert set(df["instrument"]) == {"Matching grant"}
    assert "HND" not in set(df["programme_id"])


def test_uva_isabella_mix_of_relative_and_absolute_growth_is_flagged(page: AppTest) -> None:
    warnings = [w.value for w in page.warning]
    assert any(
        "relative to the sector is mixed with absolute growth" in w and "never average" in w
        for w in warnings
    )
    assert any(w.startswith("**Not averaged.**") for w in warnings)
    df = table(page)
    uva = df[df["programme_id"] == "UVA"]
    assert len(uva) > 0 and set(uva["flag"]) == {"⚠"}
    assert all("not comparable, do not average" in w for w in uva["warnings"])


def test_page_and_cli_agree_on_every_figure(
    page: AppTest, capsys: pytest.CaptureFixture[str]
) -> None:
    page.selectbox(key="evidence_price_year").select("2024").run()
    page.slider(key="evidence_discount_pct").set_value(7.5).run()
    page.number_input(key="evidence_horizon").set_value(15).run()
    assert not page.exception, [e.value for e in page.exception]
    args = ["evidence", "--format", "json", "--price-year", "2024"]
    assert cli.main([*args, "--discount", "0.075", "--horizon", "15"]) == 0
    doc = json.loads(capsys.readouterr().out)
    df = table(page)
    assert len(df) == len(doc["rows"]) > 0
    for (_, shown), expected in zip(df.iterrows(), doc["rows"], strict=True):
        where = f"{expected['programme_id']} {expected['metric']} {expected['qualifier']}"
        assert shown["programme_id"] == expected["programme_id"], where
        for col in SHARED:
            assert shown[col] == expected[col], f"{where}: {col}"
        for col in NUMBERS:
            got, want = shown[col], expected[col]
            if want is None:
                assert got is None or math.isnan(got), f"{where}: {col}"
            else:
                assert got == want, f"{where}: {col} {got} != {want}"
    npv = next(r for r in doc["rows"] if r["metric"] == "npv_operating_balance")
    assert "7.5% a year" in npv["formula"] and "15 years" in npv["formula"]
