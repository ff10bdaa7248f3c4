"""Golden tests: figures the seeds imply, reproduced by formula from data/*.csv.

Each test names the programme and the seed passage its inputs come from.
"""

from __future__ import annotations

import pytest

from model import DATA_DIR
from model.costbenefit import (
    ComputedMetric,
    ProgrammeMetrics,
    compute_programme_metrics,
)
from model.store.evidence_files import load_csv_dataset

REL = 1e-9
# Mexico PII's thirds are stored as 0.3333, so sums miss 1 by 1e-4.
STORED_THIRD_ABS = 1e-3
SEED_002 = "002_190a6727378b83c7.txt"
SEED_003 = "003_0fb384067797923c.txt"
SEED_004 = "004_4fc2925a8217210d.txt"


@pytest.fixture(scope="module")
def by_id() -> dict[str, ProgrammeMetrics]:
    results = compute_programme_metrics(load_csv_dataset(DATA_DIR))
    return {pm.programme_id: pm for pm in results}


def metric(pm: ProgrammeMetrics, key: str, qualifier: str | None = None) -> ComputedMetric:
    m = pm.get(key, qualifier)
    assert m is not None, f"{pm.programme_id} has no {key} ({qualifier})"
    return m


def test_honduras_cost_per_network_002_honduras_para_680000_over_33(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    m = metric(by_id["HND"], "cost_per_network")
    assert m.range.value == pytest.approx(680_000 / 33, rel=REL)
    assert m.range.is_point
    assert m.price_year == 1998 and m.unit == "USD per network"
    assert "680,000 / 33" in m.formula
    assert {s.file for s in m.sources} == {SEED_002}


def test_honduras_cost_per_enterprise_002_honduras_680000_over_300(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    m = metric(by_id["HND"], "cost_per_enterprise")
    assert m.range.value == pytest.approx(680_000 / 300, rel=REL)


def test_honduras_cost_per_year_002_honduras_five_years(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    assert metric(by_id["HND"], "cost_per_year").range.value == pytest.approx(136_000, rel=REL)


def test_certec_multipliers_002_honduras_71_brokers_59_networks_1200_firms(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    pm = by_id["CERTEC"]
    assert metric(pm, "networks_per_broker").range.value == pytest.approx(59 / 71, rel=REL)
    assert metric(pm, "enterprises_per_broker").range.value == pytest.approx(1200 / 71, rel=REL)
    assert metric(pm, "enterprises_per_network").range.value == pytest.approx(1200 / 59, rel=REL)


def test_certec_annual_cost_and_public_share_002_honduras_60000_over_half(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    pm = by_id["CERTEC"]
    cost = metric(pm, "annual_cost").range
    # revenue 60,000 is "more than 50 %" of cost, and at most all of it
    assert cost.value is None
    assert cost.low == pytest.approx(60_000, rel=REL)
    assert cost.high == pytest.approx(120_000, rel=REL)
    public = metric(pm, "public_share").range
    assert public.low == pytest.approx(0.0, abs=REL) and public.high == pytest.approx(0.5, rel=REL)
    npv = metric(pm, "npv_operating_balance").range
    # (60,000 - 120,000) x annuity factor at 5 % over 10 years (7.7217349)
    assert npv.low == pytest.approx(-60_000 * 7.721734929, rel=1e-8)
    assert npv.high == pytest.approx(0.0, abs=1e-6)


def test_cordoba_leverage_004_section_2_1_seven_and_fourteen_dollars(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    pm = by_id["CORDOBA"]
    assert metric(pm, "bcr").range.value == pytest.approx(7.0, rel=REL)
    assert metric(pm, "bcr_public").range.value == pytest.approx(14.0, rel=REL)
    assert metric(pm, "leverage").range.value == pytest.approx(2.0, rel=REL)
    assert metric(pm, "public_share").range.value == pytest.approx(0.5, rel=REL)
    assert any("NPV not computed" in w for w in pm.warnings)
    assert {s.file for s in metric(pm, "leverage").sources} == {SEED_004}


def test_chontales_exports_growth_004_section_2_1_564_to_1277_million(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    m = metric(by_id["CHONTALES"], "exports_cagr")
    assert m.range.value == pytest.approx((12.77 / 5.64) ** (1 / 6) - 1, rel=1e-9)
    assert m.period == (2000, 2006)
    # nominal dollars of two years: the row must say so
    assert any("price years" in w for w in m.warnings)


def test_chontales_real_growth_in_constant_2006_dollars(by_id: dict[str, ProgrammeMetrics]) -> None:
    del by_id
    results = compute_programme_metrics(load_csv_dataset(DATA_DIR), price_year=2006)
    m = {pm.programme_id: pm for pm in results}["CHONTALES"].get("exports_cagr")
    assert m is not None
    real_2000 = 5.64e6 * 201.6 / 172.2  # CPI-U 2006 / 2000
    assert m.range.value == pytest.approx((12.77e6 / real_2000) ** (1 / 6) - 1, rel=1e-9)
    assert not any("price years" in w for w in m.warnings)


def test_chontales_missing_cost_is_flagged(by_id: dict[str, ProgrammeMetrics]) -> None:
    pm = by_id["CHONTALES"]
    assert pm.get("npv_exports") is None
    assert any(w.startswith("missing cost") for w in pm.warnings)


def test_ludhiana_cost_shares_003_ludhiana_box_20_74_6(by_id: dict[str, ProgrammeMetrics]) -> None:
    pm = by_id["LUDHIANA"]
    public = metric(pm, "public_share", "cost split")
    # UNIDO 20 % plus other institutions 6 %; the private sector's 74 % is not public
    assert public.range.value == pytest.approx(0.26, rel=REL)
    assert metric(pm, "leverage", "cost split").range.value == pytest.approx(1 / 0.26, rel=REL)
    assert not any("add up" in w for w in pm.warnings)
    assert {s.file for s in public.sources} == {SEED_003}


def test_mexico_pii_thirds_002_mexico(by_id: dict[str, ProgrammeMetrics]) -> None:
    m = metric(by_id["MEX-PII"], "public_share", "cost split")
    assert m.range.value == pytest.approx(2 / 3, abs=STORED_THIRD_ABS)


def test_emasim_fee_path_002_honduras_0_0_0_20_over_40(by_id: dict[str, ProgrammeMetrics]) -> None:
    pm = by_id["EMASIM"]
    public = {m.qualifier: m.range for m in pm.all("public_share")}
    assert [public[f"year {y}"].value for y in (1, 2, 3, 4)] == pytest.approx([1, 1, 1, 0.8])
    year5 = public["year 5"]
    assert year5.value is None and year5.high == pytest.approx(0.6, rel=REL)
    assert year5.low == pytest.approx(0.0, abs=REL)


def test_mif_cost_per_network_004_section_2_1_441_million_71_networks(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    pm = by_id["MIF-PI"]
    assert metric(pm, "cost_per_network").range.value == pytest.approx(44.1e6 / 71, rel=REL)
    assert metric(pm, "cost_per_project").range.value == pytest.approx(44.1e6 / 19, rel=REL)


def test_uva_isabella_basis_mix_flagged_004_section_2_1_table(
    by_id: dict[str, ProgrammeMetrics],
) -> None:
    pm = by_id["UVA"]
    assert any("relative to the sector is mixed with absolute" in w for w in pm.warnings)
    sales = metric(pm, "sales_growth_per_year")
    assert sales.basis == "absolute"
    assert sales.range.value == pytest.approx(3.6**0.25 - 1, rel=REL)  # +260 % over 2001-05
    assert any("not comparable" in w for w in sales.warnings)
    for m in pm.all("production_growth_per_year"):
        assert m.basis == "relative_to_sector"
        assert any("not comparable" in w for w in m.warnings)


def test_nicaragua_phases_not_mixed_002_nicaragua(by_id: dict[str, ProgrammeMetrics]) -> None:
    pm = by_id["NIC"]
    assert pm.get("cost_per_network") is None
    assert any("phase 2" in w and "phase 1" in w for w in pm.warnings)


def test_every_programme_is_reported(by_id: dict[str, ProgrammeMetrics]) -> None:
    dataset = load_csv_dataset(DATA_DIR)
    assert list(by_id) == [p.programme_id for p in dataset.programmes]
